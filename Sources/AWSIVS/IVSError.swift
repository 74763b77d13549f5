/// An IVS call that did not succeed: the service's error name and HTTP status (nil when no
/// answer came), its message, and what a caller should do about it. No case carries the
/// secret key, session token or a stream key, so it can be logged as it is.
public struct IVSError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Throttled, a 5xx (InternalServerException, StreamUnavailable) or no answer: try later.
        case retryable
        /// ChannelNotBroadcasting: the channel is not live. A state, not a failure.
        case offline
        /// The credentials were refused or lack permission: retrying cannot help.
        case auth
        case notFound
        /// ConflictException: the resource is busy, e.g. DeleteChannel of a live channel.
        case conflict
        /// ValidationException, or refused here before sending.
        case invalidRequest
        /// ServiceQuotaExceededException (e.g. a second stream key on a channel).
        case quotaExceeded
        case other
    }

    public var kind: Kind
    /// The IVS operation, e.g. "CreateChannel" (empty for a local check).
    public var operation: String
    /// The restJson1 error name, e.g. "ThrottlingException"; "Transport" when no answer came.
    public var name: String
    public var status: Int?
    public var message: String
    /// Where the credentials are configured, named in auth errors.
    public var credentialSettings: String?

    public init(kind: Kind, operation: String, name: String, status: Int?, message: String, credentialSettings: String? = nil) {
        self.kind = kind
        self.operation = operation
        self.name = name
        self.status = status
        self.message = message
        self.credentialSettings = credentialSettings
    }

    static func invalidRequest(_ message: String, operation: String = "") -> IVSError {
        IVSError(kind: .invalidRequest, operation: operation, name: "InvalidParameter", status: nil, message: message)
    }

    /// The classification of an error name and status, per the IVS model's error table.
    static func kind(name: String, status: Int?) -> Kind {
        switch name {
        case "ChannelNotBroadcasting": return .offline
        case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException", "IncompleteSignatureException",
            "MissingAuthenticationTokenException", "ExpiredToken", "ExpiredTokenException", "InvalidClientTokenId",
            "SignatureDoesNotMatch":
            return .auth
        case "ResourceNotFoundException": return .notFound
        case "ConflictException": return .conflict
        case "ValidationException": return .invalidRequest
        case "ServiceQuotaExceededException": return .quotaExceeded
        case "ThrottlingException", "TooManyRequestsException", "InternalServerException", "StreamUnavailable",
            "ServiceUnavailableException":
            return .retryable
        default:
            guard let status else { return .retryable }
            return status == 429 || status >= 500 ? .retryable : .other
        }
    }

    public var description: String {
        let status = status.map { " (HTTP \($0))" } ?? ""
        let head = operation.isEmpty ? "IVS" : "IVS \(operation)"
        switch kind {
        case .auth:
            let settings = credentialSettings ?? "the AWS access key ID, secret access key and session token settings"
            return "\(head): AWS refused the credentials: \(name)\(status): \(message). Check \(settings)."
        case .offline:
            return "\(head): the channel is not broadcasting\(status)"
        default:
            return "\(head) failed: \(name)\(status): \(message)"
        }
    }
}
