public import RelayCore

/// The periodic one-line summary of a relay, as ops read it in the journal.
public enum StatsLine {
    public static func format(_ stats: RelayStats, restarts: Int) -> String {
        var parts = [
            "state=\(stats.state.rawValue)",
            "uptime=\(Int(stats.uptimeSeconds))s",
            "in=\(kbps(stats.input.bitrateKbps))",
            "fps=\(rounded(stats.input.fps))",
            "packets_in=\(stats.input.packets)",
        ]
        if stats.input.dropped > 0 { parts.append("dropped_in=\(stats.input.dropped)") }
        parts.append("out=\(kbps(stats.outputBitrateKbps))")
        for output in stats.outputs {
            var text = "output[\(output.name)]=\(output.state.rawValue),\(kbps(output.bitrateKbps)),bytes=\(output.bytes)"
            text += ",packets=\(output.packets)"
            if output.dropped > 0 { text += ",dropped=\(output.dropped)" }
            if output.retries > 0 { text += ",retries=\(output.retries)" }
            if let error = output.lastError { text += ",error=\"\((output.errorClass?.rawValue).map { "\($0): " } ?? "")\(error)\"" }
            parts.append(text)
        }
        if let processing = stats.processing { parts.append("processing=\"\(processing)\"") }
        if restarts > 0 { parts.append("restarts=\(restarts)") }
        if let error = stats.lastError { parts.append("last_error=\"\(error)\"") }
        return parts.joined(separator: " ")
    }

    private static func kbps(_ value: Double) -> String { "\(Int(value.rounded()))kbps" }
    private static func rounded(_ value: Double) -> String { "\((value * 10).rounded() / 10)" }
}
