import ControlAPI
import RelayConfig
public import RelayCore
import RelayRuntime

/// Webhook-driven starts and stops (a companion's service telling us a seller came or left)
/// go the same way as the API's: the config's first route serving the channel decides, and
/// the supervisor keeps starts idempotent.
extension RelayManager: RelayDirector {
    public func startRelay(channel: String, sellerUID: String, sourceType: String) async -> DirectorOutcome {
        guard case .success(let route) = config.route(for: channel, named: nil), route.source.type == sourceType else {
            return .noRoute
        }
        // A seller back right after their relay ended finds it still stopping: wait for that
        // (briefly: webhook senders want their answer within seconds) rather than refuse.
        var waited = 0
        while true {
            do {
                let result = try await start(channel: channel, sellerUID: sellerUID, route: nil)
                return result.created ? .started(relayID: result.relay.id) : .alreadyRunning(relayID: result.relay.id)
            } catch {
                if case .unavailable = error, waited < 25 {
                    waited += 1
                    try? await clock.sleep(until: clock.now.advanced(by: .milliseconds(200)), tolerance: nil)
                    continue
                }
                return .refused(Self.message(error))
            }
        }
    }

    public func stopRelay(channel: String, sourceType: String, reason: String) async -> DirectorOutcome {
        guard let relay = await supervisor.relay(channel: channel), relay.spec.source.type == sourceType else {
            return .notRunning
        }
        do {
            return try await supervisor.stop(channel: channel, reason: reason) ? .stopped(relayID: relay.key.description) : .notRunning
        } catch {
            // A relay with a fixed channel in the config runs until the config says otherwise.
            return .refused("channel \"\(channel)\" is relayed from the config")
        }
    }

    public func reconnectWindow(channel: String, sourceType: String) -> Duration? {
        guard case .success(let route) = config.route(for: channel, named: nil), route.source.type == sourceType else {
            return nil
        }
        return .milliseconds(config.relaySpec(for: route, channel: channel).reconnectWindowMs)
    }

    static func message(_ error: ControlError) -> String {
        switch error {
        case .invalid(_, let message), .notFound(let message), .conflict(let message), .limitReached(let message, _),
            .unavailable(let message, _):
            message
        }
    }
}
