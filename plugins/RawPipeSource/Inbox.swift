import Foundation
import RelayCore

/// One whole video frame or audio chunk as it arrived from the writer.
struct Chunk: Sendable {
    var data: [UInt8]
    /// Microseconds since the first chunk of either stream arrived (the inbox's clock).
    var arrivalUs: Int64
}

/// Where the reader threads leave whole chunks for the relay's thread: one bounded
/// `DropOldestQueue` per stream behind one lock. Readers never wait here, so a slow
/// encoder costs dropped frames (counted), never memory or a blocked writer.
final class Inbox: @unchecked Sendable {
    // @unchecked: every stored property below is read and written only under `condition`.
    private let condition = NSCondition()
    private var queues: [DropOldestQueue<Chunk>]
    /// Why a stream's reader stopped (writer gone, read error); nil while it runs.
    private var ends: [RelayError?]
    private let clock: any BlockingClock
    private var epoch: Duration?
    private var anyData = false

    /// `capacities[i]` chunks for stream `i`; arrivals are stamped and waits timed on `clock`.
    init(capacities: [Int], clock: any BlockingClock) {
        self.clock = clock
        queues = capacities.map { DropOldestQueue(capacity: $0) }
        ends = Array(repeating: nil, count: capacities.count)
    }

    /// Called by a reader on its first bytes: the writer is there.
    func connected() {
        locked {
            anyData = true
            condition.broadcast()
        }
    }

    /// Queues a whole chunk of `stream`, stamped with its arrival time.
    func push(_ data: [UInt8], stream: Int) {
        let now = clock.now
        locked {
            let epoch = self.epoch ?? now
            self.epoch = epoch
            queues[stream].push(Chunk(data: data, arrivalUs: Self.microseconds(now - epoch)))
            condition.broadcast()
        }
    }

    /// The reader of `stream` has stopped for `reason`.
    func finish(_ stream: Int, _ reason: RelayError) {
        locked {
            if ends[stream] == nil { ends[stream] = reason }
            condition.broadcast()
        }
    }

    /// The oldest chunk of each stream, without taking it.
    func heads() -> [Chunk?] { locked { queues.map(\.first) } }

    func pop(_ stream: Int) -> Chunk? { locked { queues[stream].popFirst() } }

    /// Why the input is over: the reason of the first stream whose reader stopped and whose
    /// queue is drained. When every reader has stopped (the usual writer exit), only once
    /// all queues are drained, so nothing already received is lost.
    var ended: RelayError? {
        locked {
            guard let reason = zip(ends, queues).first(where: { $0.0 != nil && $0.1.isEmpty })?.0 else { return nil }
            if !ends.contains(where: { $0 == nil }), queues.contains(where: { !$0.isEmpty }) { return nil }
            return reason
        }
    }

    /// Chunks dropped so far because the relay fell behind.
    var dropped: Int64 { locked { queues.reduce(0) { $0 + $1.dropped } } }

    /// Chunks waiting, all streams together.
    var queued: Int { locked { queues.reduce(0) { $0 + $1.count } } }

    /// Waits until something is pushed or a reader stops, at most `timeout`.
    func waitForChange(timeout: Duration) {
        let deadline = clock.now + timeout
        condition.lock()
        defer { condition.unlock() }
        clock.wait(on: condition, until: deadline)
    }

    /// Waits until a writer has sent its first bytes, a reader stopped, or `timeout`
    /// passed; true when data came.
    func waitForWriter(timeout: Duration, stop: StopSignal) -> Bool {
        let deadline = clock.now + timeout
        condition.lock()
        defer { condition.unlock() }
        // Waits of 100 ms at most, so a raised stop signal is noticed within 100 ms.
        while !anyData, !stop.isRaised, !ends.contains(where: { $0 != nil }), clock.now < deadline {
            clock.wait(on: condition, until: min(deadline, clock.now + Inbox.stopCheckInterval))
        }
        return anyData
    }

    /// Longest wait for a writer before the stop signal is looked at again.
    static let stopCheckInterval: Duration = .milliseconds(100)

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        condition.lock()
        defer { condition.unlock() }
        return try body()
    }

    static func microseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
    }
}
