import Foundation

/// The table `relaygate status` prints: one line per relay, columns padded to the widest cell.
enum StatusTable {
    struct List: Decodable { var relays: [Relay] }

    struct Relay: Decodable {
        struct Output: Decodable {
            var name: String
            var state: String
        }
        var channelId: String
        var route: String
        var state: String
        var health: String
        var bitrateKbps: Double
        var fps: Double
        var uptimeSeconds: Double
        var outputs: [Output]
    }

    static let header = ["CHANNEL", "ROUTE", "STATE", "HEALTH", "BITRATE", "FPS", "UPTIME", "OUTPUTS"]

    static func render(_ relays: [Relay]) -> String {
        guard !relays.isEmpty else { return "no relays\n" }
        let rows = [header] + relays.map { relay in
            [
                relay.channelId, relay.route, relay.state, relay.health, "\(Int(relay.bitrateKbps.rounded()))kbps",
                String(format: "%.1f", relay.fps), uptime(relay.uptimeSeconds),
                relay.outputs.isEmpty ? "-" : relay.outputs.map { "\($0.name):\($0.state)" }.joined(separator: ","),
            ]
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    /// `45s`, `12m03s`, `3h07m`.
    static func uptime(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, total % 3600 / 60)
    }
}
