import Synchronization

/// Raised once when a relay must stop. libav interrupt callbacks and pacing sleeps poll it,
/// so every blocking call in the relay's threads returns soon after.
public final class StopSignal: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .acquiring) }

    public func raise() { raised.store(true, ordering: .releasing) }

    /// Sleeps up to `duration`, waking early when raised. Returns false if raised.
    @discardableResult
    public func sleep(for duration: Duration) -> Bool {
        let deadline = ContinuousClock.now + duration
        while !isRaised {
            let left = deadline - ContinuousClock.now
            if left <= .zero { return true }
            let slice = min(left, .milliseconds(50))
            var ts = timespec(tv_sec: Int(slice.components.seconds), tv_nsec: Int(slice.components.attoseconds / 1_000_000_000))
            nanosleep(&ts, nil)
        }
        return false
    }
}

#if canImport(Glibc)
import Glibc
#endif
