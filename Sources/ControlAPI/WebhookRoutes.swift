import Hummingbird
import RelayCore

/// `POST /v1/webhooks/{name}`: each receiver gets the raw body bytes and the headers, and
/// authenticates the sender itself (a signature); the bearer token does not apply. An
/// unknown name is 404, a body over the limit 413, before any receiver sees it.
struct WebhookRoutes {
    static let pathPrefix = "/v1/webhooks/"
    /// NCS bodies are small JSON; this is far above any real one.
    static let maxBody = 256 * 1024

    let receivers: [String: any WebhookReceiver]

    func register(on router: Router<RelayAPIRequestContext>) {
        router.post("/v1/webhooks/{name}") { request, context in try await receive(request, context) }
    }

    private func receive(_ request: Request, _ context: RelayAPIRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let receiver = receivers[name] else {
            throw APIError(.notFound, code: "not_found", "no webhook receiver \"\(name)\" is configured")
        }
        let tooLarge = APIError(.contentTooLarge, code: "payload_too_large", "webhook body is larger than \(Self.maxBody) bytes")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > Self.maxBody { throw tooLarge }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxBody)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge
        }
        var headers: [String: String] = [:]
        for field in request.headers where headers[field.name.canonicalName] == nil {
            headers[field.name.canonicalName] = field.value
        }
        let reply = await receiver.receive(WebhookRequest(headers: headers, body: Array(buffer.readableBytesView)))
        return JSONResponse.make(HTTPResponse.Status(code: reply.status), reply.body)
    }
}
