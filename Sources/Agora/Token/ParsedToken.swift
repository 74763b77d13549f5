/// Every field of an AccessToken2 read back from its text, as `AccessToken2.parse` gives it.
public struct ParsedToken: Sendable, Equatable {
    public let appID: String
    public let issueTs: UInt32
    public let expire: UInt32
    public let salt: UInt32
    public let services: [TokenService]
    /// HMAC-SHA256 over `signingInfo`.
    public let signature: [UInt8]
    /// The signed bytes exactly as the token carries them.
    public let signingInfo: [UInt8]

    /// Whether `signature` is the one `appCertificate` gives (compared in constant time).
    public func verifies(appCertificate: String) -> Bool {
        TokenSigner.isValid(
            signature, appCertificate: appCertificate, issueTs: issueTs, salt: salt, signingInfo: signingInfo)
    }
}
