import Foundation
import Crypto

/// NCS's two signature headers (reference §2.3): lowercase hex HMACs, keyed with the
/// Console-issued secret, over the exact body bytes.
public enum NCSSignature {
    /// `Agora-Signature` (HMAC-SHA1) and `Agora-Signature-V2` (HMAC-SHA256) of `body`.
    public static func of(_ body: [UInt8], secret: String) -> (sha1: String, sha256: String) {
        let key = SymmetricKey(data: Array(secret.utf8))
        return (
            hex(HMAC<Insecure.SHA1>.authenticationCode(for: body, using: key)),
            hex(HMAC<SHA256>.authenticationCode(for: body, using: key))
        )
    }

    private static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
    }
}
