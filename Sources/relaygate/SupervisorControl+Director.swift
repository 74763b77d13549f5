import ControlAPI
import RelayConfig
import RelayCore
import RelayRuntime

/// Webhook-driven starts and stops (Agora NCS) go the same way as the API's: the config's
/// first route serving the channel decides, and the supervisor keeps starts idempotent.
extension SupervisorControl: RelayDirector {
    func startRelay(channel: String, sellerUID: String, sourceType: String) async -> DirectorOutcome {
        guard case .success(let route) = currentConfig.route(for: channel, named: nil), route.source.type == sourceType else {
            return .noRoute
        }
        // A seller back right after their relay ended finds it still stopping: wait for that
        // (briefly: Agora wants its answer within 10 s) rather than refuse their stream.
        var waited = 0
        while true {
            do {
                let result = try await start(channel: channel, sellerUID: sellerUID, route: nil)
                return result.created ? .started(relayID: result.relay.id) : .alreadyRunning(relayID: result.relay.id)
            } catch {
                if case .unavailable = error, waited < 25 {
                    waited += 1
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                return .refused(Self.message(error))
            }
        }
    }

    func stopRelay(channel: String, sourceType: String, reason: String) async -> DirectorOutcome {
        guard let relay = await supervisor.relay(channel: channel), relay.spec.source.type == sourceType else {
            return .notRunning
        }
        do {
            return try await supervisor.stop(channel: channel, reason: reason)
                ? .stopped(relayID: relay.key.description) : .notRunning
        } catch {
            // A relay with a fixed channel in the config runs until the config says otherwise.
            return .refused("channel \"\(channel)\" is relayed from the config")
        }
    }

    func reconnectWindow(channel: String, sourceType: String) -> Duration? {
        let config = currentConfig
        guard case .success(let route) = config.route(for: channel, named: nil), route.source.type == sourceType else {
            return nil
        }
        return .milliseconds(config.relaySpec(for: route, channel: channel).reconnectWindowMs)
    }

    private static func message(_ error: ControlError) -> String {
        switch error {
        case .invalid(_, let message), .notFound(let message), .conflict(let message), .limitReached(let message, _),
            .unavailable(let message, _):
            message
        }
    }
}
