import Crypto
public import Foundation

/// AWS Signature Version 4 in the Authorization header, for one region and service.
/// The date is a parameter, so a test can sign at the published vectors' instant.
public struct SigV4Signer: Sendable, CustomStringConvertible {
    public var credentials: AWSCredentials
    public var region: String
    public var service: String

    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// - Parameters:
    ///   - normalizePath: remove `.`/`..` and repeated slashes first (every service but S3).
    ///   - signBody: also send and sign `x-amz-content-sha256`, which S3 requires and other
    ///     services accept; the body is hashed into the signature either way.
    public func sign(_ request: SigV4Request, at date: Date, normalizePath: Bool = true, signBody: Bool = false) -> SigV4Signature {
        let when = SigV4Date(date)
        let payloadHash = Hex.encode(SHA256.hash(data: request.body))
        var added: [(name: String, value: String)] = [("x-amz-date", when.timestamp)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        if signBody { added.append(("x-amz-content-sha256", payloadHash)) }
        let headers = CanonicalRequest.headers(request.headers + added)
        let canonicalRequest = [
            request.method.uppercased(),
            CanonicalRequest.uri(request.path, normalize: normalizePath),
            CanonicalRequest.query(request.query),
            headers.canonical,
            headers.signed,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(when.day)/\(region)/\(service)/aws4_request"
        let stringToSign = [
            "AWS4-HMAC-SHA256", when.timestamp, scope, Hex.encode(SHA256.hash(data: Array(canonicalRequest.utf8))),
        ].joined(separator: "\n")
        let signature = Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: signingKey(day: when.day)))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(headers.signed), Signature=\(signature)"
        return SigV4Signature(
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature,
            headers: added + [("authorization", authorization)])
    }

    /// HMAC chain from the secret down to this day, region and service.
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        return key
    }

    public var description: String { "SigV4Signer(\(credentials), region: \(region), service: \(service))" }
}
