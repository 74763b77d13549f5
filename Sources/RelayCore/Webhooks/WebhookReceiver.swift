/// Receives one kind of webhook (`POST /v1/webhooks/<name>`). The HTTP layer hands over the
/// raw body bytes untouched, because signatures are computed over exactly those bytes, and
/// sends back the reply as JSON. A receiver authenticates the sender itself (the bearer
/// token of the API does not apply to webhooks).
public protocol WebhookReceiver: Sendable {
    /// The path segment after `/v1/webhooks/`.
    var name: String { get }
    func receive(_ request: WebhookRequest) async -> WebhookReply
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
