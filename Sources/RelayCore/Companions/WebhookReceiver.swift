/// Receives one kind of webhook (`POST /v1/webhooks/<name>`): a plugin companion whose
/// service reports over HTTP. The HTTP layer hands over the raw body bytes untouched,
/// because signatures are computed over exactly those bytes, and sends back the reply as
/// JSON. A receiver authenticates the sender itself (the API's bearer token does not apply).
public protocol WebhookReceiver: Sendable {
    /// The path segment after `/v1/webhooks/`.
    var name: String { get }
    /// What the API's OpenAPI document says of it.
    var documentation: WebhookDocumentation { get }
    /// Answers 200 when handled (or ignored), 400 for a signed body it cannot read, 401 for
    /// a missing or bad signature, 503 while the gateway cannot act on it yet (the sender
    /// should resend).
    func receive(_ request: WebhookRequest) async -> WebhookReply
}

/// A webhook receiver's entry in the API's OpenAPI document.
public struct WebhookDocumentation: Sendable {
    /// Who sends what.
    public var summary: String
    /// Headers that carry the sender's signature.
    public var signatureHeaders: [String]

    public init(summary: String, signatureHeaders: [String]) {
        self.summary = summary
        self.signatureHeaders = signatureHeaders
    }
}

public struct WebhookRequest: Sendable {
    /// Header names lowercased; a repeated header keeps its first value.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(headers: [String: String], body: [UInt8]) {
        self.headers = headers
        self.body = body
    }
}

public struct WebhookReply: Sendable, Equatable {
    public var status: Int
    /// Sent as a JSON object.
    public var body: [String: String]

    public init(status: Int, body: [String: String]) {
        self.status = status
        self.body = body
    }

    public static func ok(_ result: String) -> WebhookReply { WebhookReply(status: 200, body: ["result": result]) }
}
