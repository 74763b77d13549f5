import RelayCore
import Testing
import TestSupport

@testable import MediaEngine

/// When libav's blocking calls are told to give up (the interrupt callback), checked on a
/// manual clock: operation deadlines, a stop's grace for outputs, and the bytes-out watchdog.
@Suite struct InterruptTimingTests {
    @Test func anOperationTimesOutExactlyAtItsDeadline() {
        let clock = ManualClock(now: .seconds(7))
        let interrupt = InterruptContext(stop: StopSignal(), clock: clock)
        interrupt.begin(timeout: .seconds(1))
        clock.advance(by: .milliseconds(999))
        #expect(interrupt.shouldInterrupt() == 0 && interrupt.firedReason == nil)
        clock.advance(by: .milliseconds(1))
        #expect(interrupt.shouldInterrupt() == 1 && interrupt.firedReason == .timedOut)

        // A new operation gets its own deadline; one without a timeout waits as long as it takes.
        interrupt.begin(timeout: .milliseconds(500))
        #expect(interrupt.shouldInterrupt() == 0 && interrupt.firedReason == nil)
        interrupt.begin()
        clock.advance(by: .seconds(3600))
        #expect(interrupt.shouldInterrupt() == 0)
    }

    /// An input stops at the first look after the raise; an output gets its grace, counted
    /// from when the stop was first noticed, before the deadline would have ended it anyway.
    @Test func aStopEndsAnInputAtOnceAndAnOutputAfterItsGrace() {
        let clock = ManualClock()
        let stop = StopSignal()
        let input = InterruptContext(stop: stop, clock: clock)
        let output = InterruptContext(stop: stop, stopGrace: .milliseconds(500), clock: clock)
        input.begin(timeout: .seconds(30))
        output.begin(timeout: .seconds(30))
        #expect(input.shouldInterrupt() == 0 && output.shouldInterrupt() == 0)
        clock.advance(by: .seconds(1))
        stop.raise()
        #expect(input.shouldInterrupt() == 1 && input.firedReason == .stopped)
        #expect(output.shouldInterrupt() == 0)
        clock.advance(by: .milliseconds(499))
        #expect(output.shouldInterrupt() == 0 && output.firedReason == nil)
        clock.advance(by: .milliseconds(1))
        #expect(output.shouldInterrupt() == 1 && output.firedReason == .stopped)

        // The closing handshake after the stop is a new operation with a grace of its own.
        output.begin(timeout: .seconds(5))
        #expect(output.shouldInterrupt() == 0)
        clock.advance(by: .milliseconds(500))
        #expect(output.shouldInterrupt() == 1 && output.firedReason == .stopped)
    }

    @Test func anAbandonedContextStopsEverythingAtOnce() {
        let interrupt = InterruptContext(stop: StopSignal(), stopGrace: .seconds(1), clock: ManualClock())
        interrupt.begin()
        interrupt.abandon()
        #expect(interrupt.shouldInterrupt() == 1 && interrupt.firedReason == .stopped)
    }

    /// A write may block until the limit after the output position last moved, counted
    /// across writes; a write that moved nothing does not restart the count.
    @Test func theWatchdogCountsFromTheLastProgress() {
        var watchdog = StallWatchdog(limit: .seconds(1), position: 13, at: .seconds(10))
        #expect(watchdog.timeout(at: .seconds(10)) == .seconds(1))
        #expect(watchdog.timeout(at: .milliseconds(10_400)) == .milliseconds(600))
        watchdog.observe(position: 4096, at: .milliseconds(10_400))
        #expect(watchdog.timeout(at: .milliseconds(10_400)) == .seconds(1))
        watchdog.observe(position: 4096, at: .milliseconds(10_900))
        #expect(watchdog.lastProgressAt == .milliseconds(10_400))
        #expect(watchdog.timeout(at: .milliseconds(10_900)) == .milliseconds(500))
        // Past the limit already: the next write still gets 1 ms to try.
        #expect(watchdog.timeout(at: .seconds(12)) == .milliseconds(1))
    }
}
