import Crypto
import Foundation

/// NCS webhook signatures: HMAC of the raw request body keyed with the Console's secret,
/// sent as lowercase hex in `Agora-Signature` (SHA1) and `Agora-Signature-V2` (SHA256).
/// Check them on the bytes received, before any JSON parsing: re-serialised JSON will
/// not reproduce those bytes.
public enum NotificationSignature {
    /// The two header values Agora would send for `body`.
    public static func sign(body: some Collection<UInt8>, secret: String) -> (sha1: String, sha256: String) {
        let bytes = Array(body)
        let key = key(secret)
        return (
            Hex.encode(HMAC<Insecure.SHA1>.authenticationCode(for: bytes, using: key)),
            Hex.encode(HMAC<SHA256>.authenticationCode(for: bytes, using: key))
        )
    }

    /// Checks the V2 (SHA256) header when it is present and falls back to SHA1 only when
    /// it is absent, so a request cannot downgrade itself by spoiling V2. Hex may be in
    /// either case; the comparison takes the same time wherever the bytes differ.
    public static func verify(body: [UInt8], sha256Header: String?, sha1Header: String?, secret: String) -> Verdict {
        let key = key(secret)
        if let sha256Header {
            return check(
                sha256Header, name: "Agora-Signature-V2", algorithm: .sha256, length: SHA256.byteCount
            ) { HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: body, using: key) }
        }
        if let sha1Header {
            return check(
                sha1Header, name: "Agora-Signature", algorithm: .sha1, length: Insecure.SHA1.byteCount
            ) { HMAC<Insecure.SHA1>.isValidAuthenticationCode($0, authenticating: body, using: key) }
        }
        return .missing
    }

    private static func check(
        _ header: String, name: String, algorithm: Verdict.Algorithm, length: Int, isValid: ([UInt8]) -> Bool
    ) -> Verdict {
        // An HTTP stack may leave spaces around a header value.
        let text = header.trimmingCharacters(in: .whitespaces)
        guard let signature = Hex.decode(text), signature.count == length else {
            return .invalid(reason: "\(name) is not \(length * 2) hexadecimal characters")
        }
        return isValid(signature) ? .valid(algorithm) : .invalid(reason: "\(name) does not match the body")
    }

    private static func key(_ secret: String) -> SymmetricKey {
        SymmetricKey(data: Array(secret.utf8))
    }
}
