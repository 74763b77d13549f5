import Foundation
import Synchronization

/// Raised once when a relay (or one output) must stop. libav interrupt callbacks poll
/// `isRaised`; sleepers wait on a condition, so they wake exactly at their deadline or at
/// the moment of the raise — no polling wakeups while a relay paces a file.
public final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)
    private let condition = Condition()

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .acquiring) }

    public func raise() {
        condition.broadcast { raised.store(true, ordering: .releasing) }
    }

    /// Sleeps up to `duration`, waking early when raised. Returns false if raised.
    @discardableResult
    public func sleep(for duration: Duration) -> Bool {
        let deadline = Date(timeIntervalSinceNow: Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        return condition.wait(until: deadline) { isRaised }
    }
}

/// NSCondition behind a Sendable face.
private final class Condition: @unchecked Sendable {
    // @unchecked: NSCondition is a lock; all access goes through it.
    private let lock = NSCondition()

    func broadcast(after change: () -> Void) {
        lock.lock()
        change()
        lock.broadcast()
        lock.unlock()
    }

    /// Waits until `deadline` or until `stop()` holds; returns false if `stop()` held.
    func wait(until deadline: Date, stop: () -> Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        while !stop() {
            if !lock.wait(until: deadline) { return !stop() }
        }
        return false
    }
}
