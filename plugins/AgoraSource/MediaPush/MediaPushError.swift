/// A Media Push (or channel management) REST call that did not succeed.
public enum MediaPushError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Agora answered with a non-2xx status and (usually) a `message`.
    case status(Int, message: String?)
    /// No answer: connection refused, TLS, timeout.
    case transport(String)
    /// A 2xx answer we could not read.
    case malformed(String)

    /// Agora's advice: retry 404 (a task starting, failing over or being deleted), 429 and
    /// 5xx with backoff; and when there was no answer at all.
    public var isRetryable: Bool {
        switch self {
        case .status(let code, _): code == 404 || code == 429 || (500...599).contains(code)
        case .transport: true
        case .malformed: false
        }
    }

    public var statusCode: Int? {
        if case .status(let code, _) = self { code } else { nil }
    }

    /// 401: Agora refused the customer ID and secret. No retry or new converter helps; only
    /// fixing the settings does.
    public var refusesCredentials: Bool { statusCode == 401 }

    /// What to fix, naming the settings (never their values): said wherever a 401 is reported.
    public static let credentialsHint =
        "Agora refused the REST credentials: check agora.customer_id and agora.customer_secret"

    public var description: String {
        switch self {
        case .status(401, let message): "HTTP 401" + (message.map { ": \($0)" } ?? "") + " (\(Self.credentialsHint))"
        case .status(let code, let message): "HTTP \(code)" + (message.map { ": \($0)" } ?? "")
        case .transport(let why): "no answer: \(why)"
        case .malformed(let why): "unreadable answer: \(why)"
        }
    }
}
