import Synchronization

/// One connection's bytes received, counted on its event loop and read by whoever reports
/// status (the API, metrics) from any thread.
final class ConnectionCounters: Sendable {
    private let received = Atomic<Int64>(0)
    /// Bits per second over the last rate sample.
    private let bitrate = Atomic<Int64>(0)
    private let sampled = Atomic<Int64>(0)

    var bytesReceived: Int64 { received.load(ordering: .relaxed) }
    var bitsPerSecond: Int64 { bitrate.load(ordering: .relaxed) }

    func add(_ count: Int) { received.add(Int64(count), ordering: .relaxed) }

    /// Takes a rate sample: the bytes since the previous one over `interval`. Called from
    /// one place only (the server's once-a-second task).
    func sampleRate(over interval: Duration) {
        let now = bytesReceived
        let previous = sampled.exchange(now, ordering: .relaxed)
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        guard seconds > 0 else { return }
        bitrate.store(Int64(Double(now - previous) * 8 / seconds), ordering: .relaxed)
    }
}
