/// A Cloudflare Stream call (or setting) that did not work out. It carries what Cloudflare
/// said (HTTP status, its `{code, message}` entries) and what to do about it (`kind`), and
/// never a credential: texts that could quote one are scrubbed before they get here.
public struct CloudflareStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// 401/403: the token, the account or the token's permissions are wrong. No retry or
        /// new live input helps; only fixing the settings does.
        case auth
        /// 429, 5xx, or no answer at all: try again later (the client already did, within
        /// its retry policy).
        case retryable
        /// 404: the live input (or account path) does not exist.
        case notFound
        /// 400 and other 4xx: Cloudflare refused what was sent; resending it will not help.
        case invalidRequest
        /// A 2xx answer that is not what the API documents.
        case malformed
        /// A setting is unusable (a bad URL, an empty token); nothing was sent.
        case configuration
    }

    public var kind: Kind
    /// What was being done, e.g. "create live input".
    public var operation: String
    /// Nil when there was no HTTP answer.
    public var status: Int?
    /// Cloudflare's `errors` entries, as sent.
    public var errors: [CloudflareAPIMessage]
    /// A 429's `Retry-After`, when it gave one in seconds.
    public var retryAfter: Duration?
    /// Transport or decoding details, or what is wrong with a setting.
    public var detail: String?

    public init(
        kind: Kind, operation: String, status: Int? = nil, errors: [CloudflareAPIMessage] = [],
        retryAfter: Duration? = nil, detail: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.status = status
        self.errors = errors
        self.retryAfter = retryAfter
        self.detail = detail
    }

    public var isRetryable: Bool { kind == .retryable }

    /// The error codes Cloudflare sent (e.g. 10000 for an authentication error).
    public var codes: [Int] { errors.map(\.code) }

    /// What to fix after a 401/403, naming the settings (never their values).
    public static let authHint =
        "Cloudflare refused the API token: check the platform's api_token and account_id; "
        + "the token needs the \"Stream Write\" permission on that account"

    public var description: String {
        var text = "Cloudflare Stream \(operation): "
        switch (status, kind) {
        case (let status?, _): text += "HTTP \(status)"
        case (nil, .configuration): text += "bad setting"
        case (nil, .malformed): text += "unreadable answer"
        case (nil, _): text += "no answer"
        }
        if !errors.isEmpty { text += " [" + errors.map(\.description).joined(separator: "; ") + "]" }
        if let detail { text += ": \(detail)" }
        if let retryAfter { text += " (Retry-After \(retryAfter))" }
        if kind == .auth { text += " (\(Self.authHint))" }
        return text
    }

    /// The kind an HTTP error status belongs to.
    static func kind(ofStatus status: Int) -> Kind {
        switch status {
        case 401, 403: .auth
        case 404: .notFound
        case 408, 429, 500...599: .retryable
        default: .invalidRequest
        }
    }
}
