import AWSSigV4
import Foundation
import Testing

@Suite struct SigV4SignerTests {
    static let instant = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    @Test(arguments: sigV4Vectors)
    func publishedVector(_ vector: SigV4Vector) {
        let credentials = AWSCredentials(
            accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: vector.sessionToken)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
        let request = SigV4Request(
            method: vector.method, path: vector.path, query: vector.query, headers: vector.headers, body: Array(vector.body.utf8))
        let signed = signer.sign(request, at: Self.instant, signBody: vector.signBody)
        #expect(signed.canonicalRequest == vector.canonicalRequest)
        #expect(signed.stringToSign == vector.stringToSign)
        #expect(signed.signature == vector.signature)
        #expect(signed.authorization == vector.authorization)
        #expect(signed.headers.first { $0.name == "x-amz-date" }?.value == "20150830T123600Z")
        #expect(signed.headers.first { $0.name == "x-amz-security-token" }?.value == vector.sessionToken)
    }

    /// A label in a REST path (an ARN) is encoded on the wire and once more in the canonical
    /// URI, as botocore does for every service but S3.
    @Test func encodedPathIsEncodedAgain() {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "secret"), region: "us-west-2", service: "ivs")
        let request = SigV4Request(
            method: "GET", path: "/tags/arn%3Aaws%3Aivs%3Aus-west-2%3A123%3Achannel%2Fabc", headers: [("Host", "ivs.example")])
        let signed = signer.sign(request, at: Self.instant)
        #expect(signed.canonicalRequest.split(separator: "\n")[1] == "/tags/arn%253Aaws%253Aivs%253Aus-west-2%253A123%253Achannel%252Fabc")
    }

    @Test func printsNoSecret() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "topsecret-key", sessionToken: "session-tok")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "ivs")
        let signed = signer.sign(SigV4Request(method: "POST", path: "/", headers: [("host", "h")]), at: Self.instant)
        for text in ["\(credentials)", String(reflecting: credentials), "\(signer)", "\(signed)"] {
            #expect(!text.contains("topsecret-key"))
            #expect(!text.contains("session-tok"))
        }
        #expect("\(credentials)".contains("AKIDEXAMPLE"))
    }
}
