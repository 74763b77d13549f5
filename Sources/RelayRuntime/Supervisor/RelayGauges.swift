import Foundation
import Metrics
import RelayCore

/// Per-relay gauges (bitrate, fps, bytes out, worker CPU and RSS; for relays that are
/// pushed to, their publisher's bitrate, bytes in and whether one is live) and relays by state, set
/// from the supervisor's snapshots when metrics are read. A relay's gauges are destroyed
/// when it is gone, so /metrics never shows a relay that no longer runs.
struct RelayGauges {
    private var published: Set<[String]> = []

    private static let perRelay = [
        "relaygate_relay_bitrate_kbps", "relaygate_relay_fps", "relaygate_relay_bytes_out",
        "relaygate_worker_cpu_seconds", "relaygate_worker_rss_bytes",
    ]
    private static let perIngest = [
        "relaygate_ingest_publishing", "relaygate_ingest_bitrate_kbps", "relaygate_ingest_received_bytes",
        "relaygate_ingest_dropped_messages", "relaygate_ingest_publisher_uptime_seconds",
    ]

    mutating func update(_ relays: [RelaySnapshot]) {
        var byState: [RelayState: Int] = [:]
        for relay in relays { byState[relay.state, default: 0] += 1 }
        for state in [RelayState.pending, .starting, .active, .reconnecting, .stopping, .stopped, .failed] {
            Gauge(label: "relaygate_relays", dimensions: [("state", state.rawValue)]).record(byState[state] ?? 0)
        }

        var current: Set<[String]> = []
        for relay in relays {
            let labels = [relay.spec.route, relay.spec.channel]
            current.insert(labels)
            let dimensions = [("route", labels[0]), ("channel", labels[1])]
            let stats = relay.stats
            Gauge(label: Self.perRelay[0], dimensions: dimensions).record(stats?.outputBitrateKbps ?? 0)
            Gauge(label: Self.perRelay[1], dimensions: dimensions).record(stats?.input.fps ?? 0)
            Gauge(label: Self.perRelay[2], dimensions: dimensions).record(stats?.outputs.reduce(0) { $0 + $1.bytes } ?? 0)
            let usage = relay.pid.flatMap { WorkerUsage(pid: $0) }
            Gauge(label: Self.perRelay[3], dimensions: dimensions).record(usage?.cpuSeconds ?? 0)
            Gauge(label: Self.perRelay[4], dimensions: dimensions).record(usage?.rssBytes ?? 0)
            if let ingest = relay.ingest?.status {
                Gauge(label: Self.perIngest[0], dimensions: dimensions).record(ingest.publisher == nil ? 0 : 1)
                Gauge(label: Self.perIngest[1], dimensions: dimensions).record(ingest.publisher?.bitrateKbps ?? 0)
                Gauge(label: Self.perIngest[2], dimensions: dimensions).record(ingest.publisher?.bytesIn ?? 0)
                Gauge(label: Self.perIngest[3], dimensions: dimensions).record(ingest.publisher?.dropped ?? 0)
                let uptime = ingest.publisher.map { max(0, Date().timeIntervalSince($0.connectedSince)) } ?? 0
                Gauge(label: Self.perIngest[4], dimensions: dimensions).record(uptime)
            }
        }
        for labels in published.subtracting(current) {
            for label in Self.perRelay + Self.perIngest {
                Gauge(label: label, dimensions: [("route", labels[0]), ("channel", labels[1])]).destroy()
            }
        }
        published = current
    }
}
