public import Foundation

/// Time for code that runs on a thread of its own and blocks there: a source pacing its
/// packets or waiting for a publisher, a reader waiting for a writer, the database writer's
/// backoff. Production passes `SystemClock`; tests pass a `ManualClock`, so the timing rules
/// are checked exactly and without sleeping, whatever the load on the machine.
///
/// Times are offsets from the clock's origin.
public protocol BlockingClock: Sendable {
    var now: Duration { get }

    /// Sleeps until the clock reaches `deadline`, or until `stop` is raised; false if raised.
    func sleep(until deadline: Duration, stop: StopSignal) -> Bool

    /// With `condition` locked by the caller: waits until it is signalled or the clock reaches
    /// `deadline`. Like `NSCondition.wait`, it may return early: callers check their state in
    /// a loop.
    func wait(on condition: NSCondition, until deadline: Duration)
}

/// The monotonic clock (`ContinuousClock`). One origin per process, so all instances agree.
public struct SystemClock: BlockingClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - Self.origin }

    public func sleep(until deadline: Duration, stop: StopSignal) -> Bool {
        let left = deadline - now
        guard left > .zero else { return !stop.isRaised }
        return stop.sleep(for: left)
    }

    public func wait(on condition: NSCondition, until deadline: Duration) {
        let left = deadline - now
        guard left > .zero else { return }
        let (seconds, attoseconds) = left.components
        _ = condition.wait(until: Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18))
    }
}
