public import Foundation
public import RelayCore

/// A `BlockingClock` that moves only when a test says so (`advance`). A thread sleeping or
/// waiting on it stays blocked until the clock reaches its deadline (or its condition is
/// signalled, or its stop raised), and a test can wait until such a thread is blocked
/// (`waitForSleeper`) before it looks at what the thread has done so far. Timing rules are
/// then checked exactly: "not before 1 s" is the state at 999 ms, not a race with a timer.
public final class ManualClock: BlockingClock, @unchecked Sendable {
    // @unchecked: every stored property is read and written with `lock` held.
    private let lock = NSCondition()
    private var current: Duration
    private var nextID = 0
    /// Threads blocked on this clock: their deadline, and the condition to signal when the
    /// clock reaches it (nil for `sleep`, which waits on `lock`).
    private var sleepers: [Int: (deadline: Duration, condition: NSCondition?)] = [:]

    public init(now: Duration = .zero) {
        current = now
    }

    public var now: Duration {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    /// Moves the clock forward by `step`.
    public func advance(by step: Duration) {
        lock.lock()
        let target = current + step
        lock.unlock()
        advance(to: target)
    }

    /// Moves the clock to `time` (never back) and wakes every thread whose deadline it reached.
    public func advance(to time: Duration) {
        lock.lock()
        current = max(current, time)
        var conditions: [NSCondition] = []
        for (id, sleeper) in sleepers where sleeper.deadline <= current {
            // No longer blocked from here on: `waitForSleeper` waits for its next wait.
            sleepers[id] = nil
            if let condition = sleeper.condition { conditions.append(condition) }
        }
        lock.broadcast()
        lock.unlock()
        // Outside `lock`: a waiter holds its condition's lock while it registers here.
        for condition in conditions {
            condition.lock()
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Waits, in real time but at most `timeout` (a guard against a hang, not a measurement),
    /// until some thread is blocked on this clock. Returns the earliest deadline of the
    /// blocked threads, or nil if none blocked in time.
    public func waitForSleeper(timeout: Duration = .seconds(60)) -> Duration? {
        let giveUp = Date(timeIntervalSinceNow: timeout.seconds)
        lock.lock()
        defer { lock.unlock() }
        while sleepers.isEmpty {
            guard lock.wait(until: giveUp) else { return nil }
        }
        return sleepers.values.map(\.deadline).min()
    }

    public func sleep(until deadline: Duration, stop: StopSignal) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard current < deadline, !stop.isRaised else { return !stop.isRaised }
        let id = register(deadline, condition: nil)
        defer { sleepers[id] = nil }
        while current < deadline, !stop.isRaised {
            // A raised stop signal cannot wake this condition: look at it every few ms.
            _ = lock.wait(until: Date(timeIntervalSinceNow: 0.005))
        }
        return !stop.isRaised
    }

    public func wait(on condition: NSCondition, until deadline: Duration) {
        lock.lock()
        guard current < deadline else {
            lock.unlock()
            return
        }
        let id = register(deadline, condition: condition)
        lock.unlock()
        // The caller holds `condition`, so `advance` cannot signal it before this wait begins.
        condition.wait()
        lock.lock()
        sleepers[id] = nil
        lock.unlock()
    }

    /// With `lock` held.
    private func register(_ deadline: Duration, condition: NSCondition?) -> Int {
        nextID += 1
        sleepers[nextID] = (deadline, condition)
        lock.broadcast()
        return nextID
    }
}
