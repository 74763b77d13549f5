import Foundation
import RelayCore
import TestSupport

/// The relay's end of the ingest server, in memory: a test double of `IngestFeed` that tests
/// fill with messages (from any thread) and close. With a `ManualClock`, an empty feed's
/// wait lasts until the test advances the clock past its timeout (or pushes, or closes).
final class MemoryFeed: IngestFeed, @unchecked Sendable {
    // @unchecked: every stored property is only touched with `condition` locked.
    struct Closed: Error, CustomStringConvertible {
        var description: String { "socket closed" }
    }

    private let condition = NSCondition()
    private var queue: [IngestMessage] = []
    private var head = 0
    private var closed = false
    private let clock: ManualClock?

    init(_ messages: [IngestMessage] = [], clock: ManualClock? = nil) {
        queue = messages
        self.clock = clock
    }

    func push(_ messages: [IngestMessage]) {
        condition.lock()
        queue.append(contentsOf: messages)
        condition.broadcast()
        condition.unlock()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Messages not read yet.
    var pending: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count - head
    }

    func next(timeout: Duration) throws -> IngestMessage? {
        condition.lock()
        defer { condition.unlock() }
        if let clock {
            let deadline = clock.now + timeout
            while head == queue.count, !closed, clock.now < deadline { clock.wait(on: condition, until: deadline) }
        } else {
            let deadline = Date(timeIntervalSinceNow: timeout.seconds)
            while head == queue.count, !closed, condition.wait(until: deadline) {}
        }
        if head < queue.count {
            head += 1
            return queue[head - 1]
        }
        if closed { throw Closed() }
        return nil
    }
}
