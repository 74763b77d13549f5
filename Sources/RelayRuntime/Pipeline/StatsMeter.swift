public import RelayCore

/// Turns successive raw counter readings into rates (bitrate, fps) over the last interval.
public struct StatsMeter {
    private var last: (at: ContinuousClock.Instant, input: RelayStats.Input, outputs: [String: Int64])?

    public init() {}

    public mutating func rate(_ stats: RelayStats, videoPackets: Int64, at now: ContinuousClock.Instant) -> RelayStats {
        var stats = stats
        defer {
            last = (now, stats.input, Dictionary(stats.outputs.map { ($0.name, $0.bytes) }, uniquingKeysWith: { a, _ in a }))
            lastVideoPackets = videoPackets
        }
        guard let last else { return stats }
        let seconds = (now - last.at).seconds
        guard seconds > 0.05 else { return stats }
        stats.input.bitrateKbps = Double(stats.input.bytes - last.input.bytes) * 8 / 1000 / seconds
        stats.input.fps = Double(videoPackets - lastVideoPackets) / seconds
        for i in stats.outputs.indices {
            let previous = last.outputs[stats.outputs[i].name] ?? 0
            stats.outputs[i].bitrateKbps = Double(stats.outputs[i].bytes - previous) * 8 / 1000 / seconds
        }
        return stats
    }

    private var lastVideoPackets: Int64 = 0
}
