import RelayCore
import Synchronization

/// Raw, monotonically increasing counters written by the pipeline's threads and read by
/// whoever reports. Rates are derived from them by `StatsMeter`.
final class StageCounters: Sendable {
    let packets = Atomic<Int64>(0)
    let bytes = Atomic<Int64>(0)
    /// Video packets, for fps.
    let videoPackets = Atomic<Int64>(0)

    func count(_ packet: MediaPacket, isVideo: Bool) {
        packets.add(1, ordering: .relaxed)
        bytes.add(Int64(packet.data.count), ordering: .relaxed)
        if isVideo { videoPackets.add(1, ordering: .relaxed) }
    }
}

/// One output's state as its sink thread last reported it.
final class OutputStatus: Sendable {
    let name: String
    let counters = StageCounters()
    /// Bytes the muxer actually wrote (container overhead included).
    let bytesOut = Atomic<Int64>(0)
    private let state = Mutex<(OutputState, String?)>((.starting, nil))
    /// Mirrors `state == .failed` without the lock: the source thread checks it per packet.
    private let failed = Atomic<Bool>(false)

    init(name: String) { self.name = name }

    func set(_ newState: OutputState, error: String? = nil) {
        state.withLock { current in
            current = (newState, error ?? current.1)
        }
        if newState == .failed { failed.store(true, ordering: .releasing) }
    }

    var hasFailed: Bool { failed.load(ordering: .acquiring) }

    var current: (state: OutputState, lastError: String?) {
        state.withLock { ($0.0, $0.1) }
    }
}
