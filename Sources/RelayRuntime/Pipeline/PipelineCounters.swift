import Foundation
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
    struct Current: Sendable {
        var state: OutputState = .starting
        var lastError: String?
        var errorClass: RelayError.Class?
        var retries = 0
        var lastRetryAt: Date?
        var connectedSince: Date?
    }

    let name: String
    let counters = StageCounters()
    /// Bytes the muxer actually wrote (container overhead included), over all sessions.
    let bytesOut = Atomic<Int64>(0)
    private let state = Mutex(Current())
    /// Mirrors `state == .failed` without the lock: the source thread checks it per packet.
    private let failed = Atomic<Bool>(false)

    init(name: String) { self.name = name }

    func set(_ newState: OutputState, error: RelayError? = nil) {
        state.withLock { current in
            current.state = newState
            if let error {
                current.lastError = error.message
                current.errorClass = error.errorClass
            }
            current.connectedSince = newState == .active ? Date() : nil
        }
        if newState == .failed { failed.store(true, ordering: .releasing) }
    }

    /// Counts a connection attempt after the first.
    func countRetry() {
        state.withLock { current in
            current.retries += 1
            current.lastRetryAt = Date()
        }
    }

    var hasFailed: Bool { failed.load(ordering: .acquiring) }

    var current: Current { state.withLock { $0 } }
}
