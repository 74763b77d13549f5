import Synchronization

/// A webhook receiver for tests: records every request's headers and exact body bytes and
/// answers with a configurable status (so NCS retries can be provoked) and a JSON body, as
/// Agora requires of a receiver.
public final class WebhookRecorder: Sendable {
    private struct State {
        var received: [LocalHTTPRequest] = []
        var status = 200
        var nextStatuses: [Int] = []
        var server: LocalHTTPServer?
    }

    private let state = Mutex(State())

    public init() {}

    /// Starts listening; returns the URL to give the sender.
    public func start() async throws -> String {
        let server = try await LocalHTTPServer.start { [self] request in
            let status = state.withLock { state in
                state.received.append(request)
                return state.nextStatuses.isEmpty ? state.status : state.nextStatuses.removeFirst()
            }
            return LocalHTTPResponse(
                status: status, headers: [("Content-Type", "application/json")], body: Array(#"{"ok":true}"#.utf8))
        }
        state.withLock { $0.server = server }
        return "http://127.0.0.1:\(server.port)/v1/webhooks/agora"
    }

    /// Every request so far, in arrival order.
    public func received() -> [(headers: [(String, String)], body: [UInt8])] {
        state.withLock { $0.received.map { ($0.headers, $0.body) } }
    }

    /// The status every later request is answered with.
    public func setStatus(_ status: Int) { state.withLock { $0.status = status } }

    /// The statuses the next requests are answered with, one each, before `setStatus`'s.
    public func respondNext(_ statuses: [Int]) { state.withLock { $0.nextStatuses += statuses } }

    public func stop() async {
        let server = state.withLock { $0.server }
        await server?.stop()
    }
}
