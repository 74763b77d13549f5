import ControlAPI
import Foundation
import Logging
import RelayConfig
import RelayCore
import RelayRuntime
import RelayStore

/// Boot reconciliation: makes PostgreSQL's idea of what runs true again after the gateway
/// died. What the database says was wanted is read before the API accepts starts; once the
/// config's static relays run, relays started through the API are resumed exactly as they
/// were asked for (the same path as `POST /v1/relays`), and every row that nothing resumes
/// is marked stopped with the reason, so no stale 'active' row survives a restart.
struct BootReconciliation {
    let previous: PreviousRelays

    /// Reads the previous state on a thread of its own (libpq blocks). Nil, logged, when
    /// there is no database, it is unreachable (bounded by the connect timeout: relays from
    /// the config still start) or migration 003 is not applied.
    static func read(_ settings: DatabaseSettings?, logger: Logger) async -> BootReconciliation? {
        guard let settings else { return nil }
        let url = DatabaseURL(settings.url)
        do {
            let previous = try await DedicatedThread.run(name: "relaygate-boot") {
                try PreviousRelays.read(url: url)
            }
            guard let previous else {
                logger.warning("database has no relays table (run `relaygate migrate up`): relays are not resumed after a restart")
                return nil
            }
            return BootReconciliation(previous: previous)
        } catch {
            logger.error("could not read the previous relay state; nothing is resumed: \(error)")
            return nil
        }
    }

    /// Resumes the API-started relays whose route still serves their channel, then marks
    /// stopped every previously wanted or active relay that is not running now.
    func resume(control: SupervisorControl, supervisor: RelaySupervisor, recorder: any RelayRecorder, logger: Logger) async {
        var notResumed: [(channel: String, channelID: Int64?, route: String, reason: String)] = []
        for relay in previous.relays where !relay.fromConfig {
            do {
                _ = try await control.start(
                    channel: relay.channel, sellerUID: relay.sellerUID ?? "", route: relay.requestedRoute,
                    ingestKey: relay.ingestKey)
                logger.notice("relay resumed after restart", metadata: ["channel": "\(relay.channel)", "route": "\(relay.route)"])
            } catch {
                notResumed.append((relay.channel, relay.channelID, relay.route, "not resumed after restart: \(Self.describe(error))"))
            }
        }
        let running = await supervisor.status()
        let runningChannels = Set(running.map(\.spec.channel))
        let runningIDs = Set(running.compactMap { $0.spec.values["channelId"].flatMap { Int64($0) } })
        for relay in previous.relays where relay.fromConfig && !runningChannels.contains(relay.channel) {
            notResumed.append((relay.channel, relay.channelID, relay.route, "removed from config before restart"))
        }
        for channel in previous.activeChannels where !runningIDs.contains(channel.id) {
            notResumed.append((channel.channel, channel.id, channel.route, "gateway restarted; nothing resumed this relay"))
        }
        for relay in notResumed where !runningChannels.contains(relay.channel) {
            logger.notice(
                "previous relay marked stopped: \(relay.reason)", metadata: ["channel": "\(relay.channel)", "route": "\(relay.route)"])
            recorder.record(
                RelayRecord(
                    channel: relay.channel, channelID: relay.channelID, route: relay.route, event: .stopped(reason: relay.reason)))
        }
    }

    private static func describe(_ error: ControlError) -> String {
        switch error {
        case .invalid(_, let message), .notFound(let message), .conflict(let message),
            .limitReached(let message, _), .unavailable(let message, _):
            return message
        }
    }
}
