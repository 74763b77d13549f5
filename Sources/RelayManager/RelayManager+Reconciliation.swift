import ControlAPI
import Foundation
import Logging
import RelayCore
import RelayRuntime
import RelayStore

/// Boot reconciliation: makes PostgreSQL's idea of what runs true again after the gateway
/// died. Once the config's static relays run, relays started through the API are resumed
/// exactly as they were asked for (the same path as `POST /v1/relays`), and every row that
/// nothing resumes is marked stopped with the reason, so no stale 'active' row survives a
/// restart. (What the database said was read before the API accepted starts.)
extension RelayManager {
    func reconcile(_ previous: PreviousRelays) async {
        var notResumed: [(channel: String, channelID: Int64?, route: String, reason: String)] = []
        for relay in previous.relays where !relay.fromConfig {
            do {
                _ = try await start(
                    channel: relay.channel, sellerUID: relay.sellerUID ?? "", route: relay.requestedRoute,
                    ingestKey: relay.ingestKey)
                logger.notice("relay resumed after restart", metadata: ["channel": "\(relay.channel)", "route": "\(relay.route)"])
            } catch {
                notResumed.append((relay.channel, relay.channelID, relay.route, "not resumed after restart: \(Self.message(error))"))
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
            await supervisor.record(
                RelayRecord(
                    channel: relay.channel, channelID: relay.channelID, route: relay.route, event: .stopped(reason: relay.reason)))
        }
    }
}
