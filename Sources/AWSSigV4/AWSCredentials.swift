/// An AWS access key: the ID names it, the secret signs with it, and a session token comes
/// with temporary (STS) keys. Printing it shows the ID only, so credentials can sit in
/// errors, logs and configuration dumps without leaking.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    public var description: String {
        "AWSCredentials(accessKeyID: \(accessKeyID), secretAccessKey: ***\(sessionToken == nil ? "" : ", sessionToken: ***"))"
    }

    public var debugDescription: String { description }

    /// The values that must never be shown, for scrubbing text that came from elsewhere
    /// (an AWS error message may quote the canonical request, session token included).
    public var secrets: [String] { [secretAccessKey] + (sessionToken.map { [$0] } ?? []) }
}
