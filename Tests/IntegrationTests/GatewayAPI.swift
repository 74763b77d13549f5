import Foundation
import Synchronization
import Testing
import TestSupport

/// The one way a test talks to a gateway's HTTP API: every reply it gets is checked against
/// the OpenAPI document that gateway serves (fetched once, when the client is made), and any
/// mismatch is recorded as an Issue at the caller's line. Concrete paths are matched to
/// their documented template (`/v1/relays/seller_1` → `/v1/relays/{channelId}`), queries
/// stripped. `/metrics` is text: its status and content type are checked.
final class GatewayAPI: Sendable {
    let baseURL: String
    let document: OpenAPIValidator
    private let transport: Transport
    /// Documented path → replies checked against it, so a test can see that the replies it
    /// did not ask for itself (webhooks) were checked at all.
    private let checks = Mutex<[String: Int]>([:])

    private enum Transport: Sendable {
        case plain(HTTPClient)
        case curl(CurlHTTP)
    }

    /// Fetches `/openapi.json` from `baseURL` (a gateway already listening) and checks that
    /// reply against the document itself. `caCertificate`: HTTPS trusting only that root.
    init(baseURL: String, caCertificate: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        self.baseURL = baseURL
        transport = caCertificate.map { .curl(CurlHTTP(baseURL: baseURL, caCertificate: $0)) } ?? .plain(HTTPClient(baseURL: baseURL))
        let reply = try await Self.exchange(transport, "GET", "/openapi.json", headers: [:], body: nil)
        guard reply.status == 200 else { throw TestFailure("GET /openapi.json: \(reply)") }
        document = try OpenAPIValidator(json: reply.body)
        check("GET", "/openapi.json", reply, sourceLocation: sourceLocation)
    }

    /// Sends a request and checks the reply. `token` defaults to the harness's admin token
    /// (nil: no Authorization header). `json` is encoded as the body; otherwise `body` is sent
    /// as it is, with `contentType`. `undocumented`: the path is not in the document (an
    /// unknown endpoint), so the reply must be a JSON error in the document's Error schema.
    @discardableResult
    func send(
        _ method: String, _ path: String, token: String? = GatewayHarness.adminToken, json: [String: Any]? = nil,
        body: Data? = nil, contentType: String? = "application/json", headers: [String: String] = [:],
        undocumented: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> HTTPReply {
        var fields = headers
        if let token { fields["Authorization"] = "Bearer \(token)" }
        let payload = try json.map { try JSONSerialization.data(withJSONObject: $0) } ?? body
        if payload != nil, let contentType { fields["Content-Type"] = contentType }
        let reply = try await Self.exchange(transport, method, path, headers: fields, body: payload)
        if undocumented {
            let problems = document.errorProblems(method, path, reply)
            #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
        } else {
            check(method, path, reply, sourceLocation: sourceLocation)
        }
        return reply
    }

    func get(_ path: String, token: String? = GatewayHarness.adminToken, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> HTTPReply
    {
        try await send("GET", path, token: token, sourceLocation: sourceLocation)
    }

    /// Records an Issue for every way `reply` to `method` `path` breaks the document. For
    /// replies the test did not ask for itself (the gateway's answers to Agora's webhooks).
    func check(_ method: String, _ path: String, _ reply: HTTPReply, sourceLocation: SourceLocation = #_sourceLocation) {
        let problems = document.problems(method, path, reply)
        #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
        let template = document.template(for: path) ?? path
        checks.withLock { $0[template, default: 0] += 1 }
    }

    /// How many replies on documented path `template` were checked so far.
    func checked(_ template: String) -> Int { checks.withLock { $0[template] ?? 0 } }

    // MARK: Relays

    /// The channel's relay as the API shows it (to an admin by default); nil on 404.
    func relay(_ channel: String, token: String? = GatewayHarness.adminToken, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> [String: Any]?
    {
        let reply = try await get("/v1/relays/\(channel)", token: token, sourceLocation: sourceLocation)
        if reply.status == 404 { return nil }
        guard reply.status == 200, let relay = reply.json as? [String: Any] else { throw TestFailure("GET \(channel): \(reply)") }
        return relay
    }

    /// `relay`, but a missing relay is an error.
    func existingRelay(_ channel: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        guard let relay = try await relay(channel, sourceLocation: sourceLocation) else {
            throw TestFailure("GET \(channel): no such relay")
        }
        return relay
    }

    /// `GET /v1/relays[?state=]`'s relays, in the order the API lists them.
    func relays(state: String? = nil, token: String? = GatewayHarness.adminToken, sourceLocation: SourceLocation = #_sourceLocation)
        async throws -> [[String: Any]]
    {
        let reply = try await get("/v1/relays" + (state.map { "?state=\($0)" } ?? ""), token: token, sourceLocation: sourceLocation)
        guard reply.status == 200, let relays = (reply.json as? [String: Any])?["relays"] as? [[String: Any]] else {
            throw TestFailure("GET /v1/relays: \(reply)")
        }
        return relays
    }

    /// Starts a relay (`POST /v1/relays`, seller `uid-<channel>` unless given); the relay as
    /// the API answers it. Anything but 200 is an error.
    @discardableResult
    func start(
        _ channel: String, route: String? = nil, sellerUid: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        var body: [String: Any] = ["channelId": channel, "sellerUid": sellerUid ?? "uid-\(channel)"]
        if let route { body["route"] = route }
        let reply = try await send("POST", "/v1/relays", json: body, sourceLocation: sourceLocation)
        guard reply.status == 200, let relay = reply.json as? [String: Any] else { throw TestFailure("POST \(channel): \(reply)") }
        return relay
    }

    /// `GET /metrics`, parsed strictly.
    func metrics(token: String? = GatewayHarness.adminToken, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> PrometheusText
    {
        let reply = try await get("/metrics", token: token, sourceLocation: sourceLocation)
        guard reply.status == 200 else { throw TestFailure("GET /metrics: \(reply)") }
        return try PrometheusText(reply.text)
    }

    private static func exchange(
        _ transport: Transport, _ method: String, _ path: String, headers: [String: String], body: Data?
    ) async throws -> HTTPReply {
        switch transport {
        case .plain(let client):
            // HTTPClient sets Content-Type itself only with a body: pass it as a header.
            return try await client.send(method, path, token: nil, body: body, contentType: nil, headers: headers)
        case .curl(let curl):
            return try curl.send(method, path, headers: headers, body: body)
        }
    }
}
