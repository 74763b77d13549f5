/// One relay's recent failures under its `RestartPolicy`: which restart comes next and
/// after what pause, or that it is a crash loop and restarting must stop. Time is whatever
/// clock the caller runs on (a manual one in tests).
public struct RestartTracker<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public enum Decision: Sendable, Equatable {
        /// Restart number `attempt` (1 after a stable run), after `delay`.
        case restart(attempt: Int, delay: Duration)
        /// `failures` failures within the policy's window: give up.
        case giveUp(failures: Int)
    }

    /// Failures since the relay last ran stable (sets the backoff).
    private var consecutive = 0
    /// When each recent failure happened (for the crash-loop window).
    private var failures: [Instant] = []
    /// Since when the relay has been active without a break; nil while it is not active.
    private var activeSince: Instant?

    public init() {}

    /// The relay's worker reported `state` at `now`.
    public mutating func observe(_ state: RelayState, at now: Instant) {
        if state == .active {
            if activeSince == nil { activeSince = now }
        } else {
            activeSince = nil
        }
    }

    /// The relay failed at `now`; `random` (0...1) places the backoff's jitter.
    public mutating func failed(
        at now: Instant, policy: RestartPolicy, random: Double = Double.random(in: 0...1)
    ) -> Decision {
        if let since = activeSince, since.duration(to: now) >= policy.stableAfter {
            consecutive = 0
            failures = []
        }
        activeSince = nil
        consecutive += 1
        failures.append(now)
        failures.removeAll { $0.duration(to: now) > policy.window }
        if failures.count >= policy.giveUpAfter { return .giveUp(failures: failures.count) }
        return .restart(attempt: consecutive, delay: policy.delay(attempt: consecutive, random: random))
    }
}
