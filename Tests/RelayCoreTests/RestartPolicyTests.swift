import RelayCore
import Testing

/// Backoff, jitter, the stable reset and the crash-loop window of a route's restart policy.
@Suite struct RestartPolicyTests {
    let policy = RestartPolicy(
        initialBackoff: .seconds(1), maxBackoff: .seconds(10), giveUpAfter: 5, window: .seconds(60),
        stableAfter: .seconds(30))

    @Test func firstRestartIsImmediateThenDoublesUpToTheCap() {
        let delays = (1...7).map { policy.delay(attempt: $0, random: 0.5) }
        #expect(delays == [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
    }

    @Test func jitterIsTwentyPercentEitherWayAndNeverPassesTheCap() {
        #expect(policy.delay(attempt: 3, random: 0) == .milliseconds(1600))
        #expect(policy.delay(attempt: 3, random: 1) == .milliseconds(2400))
        #expect(policy.delay(attempt: 6, random: 1) == .seconds(10))
        #expect(policy.delay(attempt: 1, random: 1) == .zero)
        #expect(policy.delay(attempt: 500, random: 0.5) == .seconds(10))
    }

    @Test func failuresWithinTheWindowAreACrashLoop() {
        var tracker = RestartTracker<ContinuousClock.Instant>()
        let start = ContinuousClock.now
        let decisions = (0..<5).map { tracker.failed(at: start + .seconds($0), policy: policy, random: 0.5) }
        #expect(decisions == [
            .restart(attempt: 1, delay: .zero), .restart(attempt: 2, delay: .seconds(1)),
            .restart(attempt: 3, delay: .seconds(2)), .restart(attempt: 4, delay: .seconds(4)), .giveUp(failures: 5),
        ])
    }

    @Test func failuresOutsideTheWindowDoNotCount() {
        var tracker = RestartTracker<ContinuousClock.Instant>()
        let start = ContinuousClock.now
        for minute in 0..<10 {
            let decision = tracker.failed(at: start + .seconds(61 * minute), policy: policy, random: 0.5)
            guard case .restart = decision else {
                Issue.record("failure \(minute + 1) gave up: \(decision)")
                return
            }
        }
    }

    @Test func aStableRunWipesTheSlate() {
        var tracker = RestartTracker<ContinuousClock.Instant>()
        let start = ContinuousClock.now
        for second in 0..<4 { _ = tracker.failed(at: start + .seconds(second), policy: policy, random: 0.5) }
        tracker.observe(.active, at: start + .seconds(5))
        tracker.observe(.active, at: start + .seconds(20))
        #expect(tracker.failed(at: start + .seconds(36), policy: policy, random: 0.5) == .restart(attempt: 1, delay: .zero))
    }

    @Test func anInterruptedActiveRunIsNotStable() {
        var tracker = RestartTracker<ContinuousClock.Instant>()
        let start = ContinuousClock.now
        _ = tracker.failed(at: start, policy: policy, random: 0.5)
        tracker.observe(.active, at: start + .seconds(1))
        tracker.observe(.reconnecting, at: start + .seconds(20))
        tracker.observe(.active, at: start + .seconds(21))
        #expect(tracker.failed(at: start + .seconds(40), policy: policy, random: 0.5) == .restart(attempt: 2, delay: .seconds(1)))
    }
}
