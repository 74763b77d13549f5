import Crypto

/// AccessToken2's HMAC chain. The packed timestamp and salt are the HMAC *keys* and the
/// certificate the first *message*: an unusual order, but the one Agora's servers check.
enum TokenSigner {
    static func signature(appCertificate: String, issueTs: UInt32, salt: UInt32, signingInfo: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: signingInfo, using: key(appCertificate, issueTs, salt)))
    }

    /// Compares in constant time, so a forger learns nothing from how long a refusal takes.
    static func isValid(
        _ signature: [UInt8], appCertificate: String, issueTs: UInt32, salt: UInt32, signingInfo: [UInt8]
    ) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(
            signature, authenticating: signingInfo, using: key(appCertificate, issueTs, salt))
    }

    private static func key(_ appCertificate: String, _ issueTs: UInt32, _ salt: UInt32) -> SymmetricKey {
        let k1 = HMAC<SHA256>.authenticationCode(for: Array(appCertificate.utf8), using: packed(issueTs))
        let k2 = HMAC<SHA256>.authenticationCode(for: Array(k1), using: packed(salt))
        return SymmetricKey(data: Array(k2))
    }

    private static func packed(_ value: UInt32) -> SymmetricKey {
        var writer = TokenWriter()
        writer.u32(value)
        return SymmetricKey(data: writer.bytes)
    }
}
