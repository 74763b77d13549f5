import Foundation
import Logging
public import RelayCore

/// What the API, `/metrics`, the journal and the log see of the table.
extension RelaySupervisor {
    /// Every relay the supervisor knows, with its last reported stats.
    public func status() -> [RelaySnapshot] {
        relays.keys.sorted().map { snapshot($0, relays[$0]!) }
    }

    public func relay(channel: String) -> RelaySnapshot? {
        relays.first { $0.key.channel == channel }.map { snapshot($0.key, $0.value) }
    }

    func snapshot(_ key: RelayKey, _ relay: Relay) -> RelaySnapshot {
        let state = relay.lifecycle.relayState
        let health = relay.stats.map { RelayHealth.assess($0, droppedBefore: relay.droppedBefore) } ?? .poor
        var stats = relay.stats
        if let failure = relay.lifecycle.failure {
            // Why it gave up outlasts the last report of its worker (which may not know).
            if stats == nil { stats = RelayStats(state: .failed) }
            stats?.state = .failed
            stats?.lastError = failure
        }
        var upstream: CompanionStatus?
        var outputCompanions: [String: CompanionStatus] = [:]
        for binding in relay.companions {
            guard let status = binding.companion.status(binding.relay) else { continue }
            switch binding.relay.stage {
            case .source: upstream = status
            case .output(let name): outputCompanions[name] = status
            }
        }
        return RelaySnapshot(
            spec: relay.spec, origin: relay.origin, state: state, health: state == .active ? health : .poor,
            stats: stats, restarts: relay.restarts, pid: relay.run?.handle.pid, startedAt: relay.startedAt,
            upstream: upstream, outputCompanions: outputCompanions, grantedPlaybackURL: relay.grantedPlaybackURL,
            ingest: relay.ingest.flatMap { registration in
                ingest.flatMap { directory in
                    directory.status(relay: registration.relay).map {
                        RelaySnapshot.Ingest(
                            url: directory.publicURL + registration.publishPath,
                            secureURL: directory.secureURL.map { $0 + registration.publishPath }, status: $0)
                    }
                }
            },
            isLive: relay.isLive, isBeingReplaced: relay.replacement != nil)
    }

    /// Sets the per-relay gauges from the current table; called when metrics are read.
    public func updateGauges() {
        gauges.update(status())
    }

    /// One log line per relay with its numbers.
    public func logStats() {
        for key in relays.keys.sorted() {
            guard let relay = relays[key], let stats = relay.stats else { continue }
            logger.info("relay stats \(StatsLine.format(stats, restarts: relay.restarts))", metadata: meta(key))
        }
    }

    /// One metrics record for every running relay (a run or an external one, with stats).
    public func recordMetrics() {
        let running = relays.filter { _, relay in
            guard relay.isLive, relay.replacement == nil else { return false }
            switch relay.lifecycle.state {
            case .running: return relay.run != nil || relay.lifecycle.feed == .external
            default: return false
            }
        }
        journal.sample(
            running.keys.sorted().compactMap { key in
                guard let relay = running[key], let stats = relay.stats else { return nil }
                return (relay.spec, stats, viewers(of: relay))
            })
    }

    /// The audiences the relay's companions count: the source's platform (the seller's channel),
    /// and the outputs' platforms summed (nil when no output's companion counts).
    func viewers(of relay: Relay) -> RelayJournal.Viewers {
        var viewers = RelayJournal.Viewers()
        for binding in relay.companions {
            guard let count = binding.companion.status(binding.relay)?.viewers else { continue }
            switch binding.relay.stage {
            case .source: viewers.source = count
            case .output: viewers.outputs = (viewers.outputs ?? 0) + count
            }
        }
        return viewers
    }

    /// A metrics record for every running relay each `interval`, until the task is cancelled.
    public func recordMetricsPeriodically(every interval: Duration) async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.advanced(by: interval), tolerance: nil) } catch { return }
            recordMetrics()
        }
    }

    /// Logs every relay's stats each `statsInterval` (re-read each time, so reloads apply)
    /// until the task is cancelled.
    public func logStatsPeriodically() async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.advanced(by: settings.statsInterval), tolerance: nil) } catch { return }
            logStats()
        }
    }

    /// Keeps a record about a relay the table does not hold (boot reconciliation's verdicts).
    public func record(_ record: RelayRecord) { journal.recorder.record(record) }
}
