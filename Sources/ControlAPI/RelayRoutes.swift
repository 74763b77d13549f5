import Foundation
import Hummingbird
import RelayCore

/// The endpoints. Handlers only translate between HTTP and `RelayControl`.
struct RelayRoutes {
    let control: any RelayControl
    let maxBody: Int
    /// The served OpenAPI document (the webhook receivers' paths included).
    let document: String

    func register(on router: Router<RelayAPIRequestContext>) {
        router.get("/healthz") { _, _ in JSONResponse.make(.ok, ["status": "ok"]) }
        router.get("/readyz") { _, _ in
            await control.isReady()
                ? JSONResponse.make(.ok, ["status": "ready"])
                : APIError(.serviceUnavailable, code: "unavailable", "not ready").response()
        }
        router.get("/openapi.json") { _, _ in
            JSONResponse.text(.ok, document, contentType: "application/json")
        }
        router.get("/metrics") { _, _ in
            JSONResponse.text(.ok, await control.metricsText(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        router.post("/v1/relays") { request, context in try await start(request, context) }
        router.get("/v1/relays") { request, context in try await list(request, context) }
        router.get("/v1/relays/{channelId}") { _, context in try await show(context) }
        router.delete("/v1/relays/{channelId}") { _, context in try await stop(context) }
    }

    private func start(_ request: Request, _ context: RelayAPIRequestContext) async throws -> Response {
        let body = try StartRelayBody(try await JSONBody.object(request, maxBytes: maxBody))
        let result: (relay: RelayView, created: Bool)
        do {
            result = try await control.start(channel: body.channelID, sellerUID: body.sellerUID, route: body.route)
        } catch {
            throw APIError(error)
        }
        // 200 whether this call started the relay or found it running: repeating a start is
        // not an event the client must tell apart.
        return JSONResponse.make(.ok, RelayResource(result.relay, showStreamKey: context.scope == .admin))
    }

    private func list(_ request: Request, _ context: RelayAPIRequestContext) async throws -> Response {
        var relays = await control.relays()
        if let filter = request.uri.queryParameters.get("state") {
            guard let state = RelayState(rawValue: filter) else {
                throw APIError.badRequest(
                    "\"state\" must be one of: pending, starting, active, reconnecting, stopping, stopped, failed",
                    field: "state")
            }
            relays = relays.filter { $0.state == state }
        }
        let admin = context.scope == .admin
        return JSONResponse.make(.ok, RelayList(relays: relays.map { RelayResource($0, showStreamKey: admin) }))
    }

    private func show(_ context: RelayAPIRequestContext) async throws -> Response {
        let channel = try channelID(context)
        guard let relay = await control.relay(channel: channel) else {
            throw APIError(.notFound, code: "not_found", "channel \"\(channel)\" has no relay")
        }
        return JSONResponse.make(.ok, RelayResource(relay, showStreamKey: context.scope == .admin))
    }

    private func stop(_ context: RelayAPIRequestContext) async throws -> Response {
        let channel = try channelID(context)
        do {
            _ = try await control.stop(channel: channel)
        } catch {
            throw APIError(error)
        }
        return Response(status: .noContent)
    }

    private func channelID(_ context: RelayAPIRequestContext) throws -> String {
        guard let channel = context.parameters.get("channelId"), Names.isValid(channel) else {
            throw APIError.badRequest("channelId must be a name (\(Names.rule))", field: "channelId")
        }
        return channel
    }
}
