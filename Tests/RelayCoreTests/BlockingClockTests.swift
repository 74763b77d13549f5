import Foundation
import RelayCore
import Testing
import TestSupport

/// The clocks that blocking threads time themselves with: the system's wakes a sleeper the
/// moment the stop signal is raised; the manual one holds sleepers until it is advanced.
@Suite struct BlockingClockTests {
    /// A sleep of an hour ends at the raise: were it not woken, the hang guard would fail.
    @Test func theSystemClockWakesASleeperWhenTheStopIsRaised() throws {
        let clock = SystemClock()
        let stop = StopSignal()
        let sleeping = BackgroundCall { clock.sleep(until: clock.now + .seconds(3600), stop: stop) }
        stop.raise()
        #expect(try sleeping.wait()?.get() == false)
        #expect(clock.sleep(until: clock.now + .seconds(3600), stop: stop) == false)
    }

    @Test func theSystemClockWaitsOnAConditionUntilItIsSignalled() throws {
        let clock = SystemClock()
        let condition = NSCondition()
        let waiting = BackgroundCall {
            condition.lock()
            defer { condition.unlock() }
            clock.wait(on: condition, until: clock.now + .seconds(3600))
        }
        // Signal until the waiter has gone: it may not be waiting yet at the first signal.
        let giveUp = ContinuousClock.now + .seconds(60)  // a hang guard only
        while !waiting.isFinished, ContinuousClock.now < giveUp {
            condition.lock()
            condition.signal()
            condition.unlock()
            Thread.sleep(forTimeInterval: 0.001)
        }
        #expect(waiting.isFinished)
    }

    @Test func aManualSleepEndsExactlyWhenTheClockReachesItsDeadline() throws {
        let clock = ManualClock(now: .seconds(10))
        let stop = StopSignal()
        let sleeping = BackgroundCall { clock.sleep(until: .seconds(11), stop: stop) }
        #expect(clock.waitForSleeper() == .seconds(11))
        clock.advance(by: .milliseconds(999))
        #expect(clock.waitForSleeper() == .seconds(11))
        #expect(!sleeping.isFinished)
        clock.advance(by: .milliseconds(1))
        #expect(try sleeping.wait()?.get() == true)
        #expect(clock.now == .seconds(11))
        // A deadline already passed does not sleep at all.
        #expect(clock.sleep(until: .seconds(11), stop: stop))
    }

    @Test func aRaiseEndsAManualSleepWithoutTheClockMoving() throws {
        let clock = ManualClock()
        let stop = StopSignal()
        let sleeping = BackgroundCall { clock.sleep(until: .seconds(1), stop: stop) }
        #expect(clock.waitForSleeper() == .seconds(1))
        stop.raise()
        #expect(try sleeping.wait()?.get() == false)
        #expect(clock.now == .zero)
    }

    /// A condition wait ends when the clock reaches its deadline, or earlier when signalled.
    @Test func aManualConditionWaitEndsAtItsDeadlineOrWhenSignalled() throws {
        let clock = ManualClock()
        let condition = NSCondition()
        let wait = { @Sendable in
            BackgroundCall {
                condition.lock()
                defer { condition.unlock() }
                clock.wait(on: condition, until: clock.now + .milliseconds(100))
                return clock.now
            }
        }
        let timed = wait()
        #expect(clock.waitForSleeper() == .milliseconds(100))
        clock.advance(to: .milliseconds(100))
        #expect(try timed.wait()?.get() == .milliseconds(100))

        let signalled = wait()
        #expect(clock.waitForSleeper() == .milliseconds(200))
        condition.lock()
        condition.signal()
        condition.unlock()
        #expect(try signalled.wait()?.get() == .milliseconds(100))
    }

    @Test func waitingForASleeperGivesUpWhenNoneComes() {
        #expect(ManualClock().waitForSleeper(timeout: .milliseconds(10)) == nil)
    }
}
