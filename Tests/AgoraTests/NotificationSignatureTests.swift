import Agora
import Testing

/// The vector from Agora's older docs (the current English page's body does not match its
/// own hashes).
@Suite struct NotificationSignatureTests {
    static let body = Array(
        #"{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}"#
            .utf8)
    static let sha1 = "033c62f40f687675f17f0f41f91a40c71c0f134c"
    static let sha256 = "6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99"

    @Test func signReproducesTheReferenceVector() {
        let signed = NotificationSignature.sign(body: Self.body, secret: "secret")
        #expect(signed.sha1 == Self.sha1)
        #expect(signed.sha256 == Self.sha256)
    }

    @Test func signAcceptsAnyByteCollection() {
        #expect(NotificationSignature.sign(body: Self.body[...], secret: "secret").sha256 == Self.sha256)
    }

    @Test func v2IsPreferred() {
        let verdict = NotificationSignature.verify(
            body: Self.body, sha256Header: Self.sha256, sha1Header: Self.sha1, secret: "secret")
        #expect(verdict == .valid(.sha256))
    }

    @Test func hexCaseAndSurroundingSpacesDoNotMatter() {
        let verdict = NotificationSignature.verify(
            body: Self.body, sha256Header: " \(Self.sha256.uppercased()) ", sha1Header: nil, secret: "secret")
        #expect(verdict == .valid(.sha256))
    }

    @Test func sha1IsOnlyAFallbackWhenV2IsAbsent() {
        #expect(
            NotificationSignature.verify(body: Self.body, sha256Header: nil, sha1Header: Self.sha1, secret: "secret")
                == .valid(.sha1))
        // A wrong V2 is not rescued by a right SHA1.
        let wrongV2 = String(Self.sha256.dropLast()) + "0"
        #expect(
            NotificationSignature.verify(body: Self.body, sha256Header: wrongV2, sha1Header: Self.sha1, secret: "secret")
                == .invalid(reason: "Agora-Signature-V2 does not match the body"))
    }

    @Test func wrongSecretOrChangedBodyIsInvalid() {
        #expect(
            NotificationSignature.verify(body: Self.body, sha256Header: Self.sha256, sha1Header: nil, secret: "Secret")
                == .invalid(reason: "Agora-Signature-V2 does not match the body"))
        var body = Self.body
        body.append(UInt8(ascii: "\n"))
        #expect(
            NotificationSignature.verify(body: body, sha256Header: nil, sha1Header: Self.sha1, secret: "secret")
                == .invalid(reason: "Agora-Signature does not match the body"))
    }

    @Test func malformedHeadersAreInvalid() {
        for header in ["", "xyz", String(Self.sha256.dropLast(2)), Self.sha1] {
            #expect(
                NotificationSignature.verify(body: Self.body, sha256Header: header, sha1Header: nil, secret: "secret")
                    == .invalid(reason: "Agora-Signature-V2 is not 64 hexadecimal characters"))
        }
    }

    @Test func noHeadersIsMissing() {
        #expect(
            NotificationSignature.verify(body: Self.body, sha256Header: nil, sha1Header: nil, secret: "secret")
                == .missing)
    }
}
