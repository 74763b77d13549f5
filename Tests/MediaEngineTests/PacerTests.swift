@testable import PullSource
import RelayCore
import Testing
import TestSupport

/// A `realtime` pull source releases each packet at its media time, like `ffmpeg -re`, on
/// the clock it is given: checked on a manual clock, so exact and without sleeping.
@Suite struct PacerTests {
    @Test func aPacketIsReleasedAtItsMediaTimeAndNotBefore() throws {
        let clock = ManualClock()
        let stop = StopSignal()
        var pacer = Pacer(clock: clock)
        // The first packet sets the origin (media 5 s ↔ clock 0); what is due within the
        // 100 ms slack goes out at once.
        let first = pacer.wait(untilMediaUs: 5_000_000, stop: stop)
        let withinSlack = pacer.wait(untilMediaUs: 5_080_000, stop: stop)
        #expect(first && withinSlack && clock.now == .zero)
        let later = pacer
        let waiting = BackgroundCall {
            var pacer = later
            return pacer.wait(untilMediaUs: 6_000_000, stop: stop)
        }
        // It sleeps until exactly media 6 s ↔ clock 1 s.
        #expect(clock.waitForSleeper() == .seconds(1))
        clock.advance(to: .milliseconds(999))
        #expect(clock.waitForSleeper() == .seconds(1) && !waiting.isFinished)
        clock.advance(to: .seconds(1))
        #expect(try waiting.wait()?.get() == true)
        // A packet already late is released at once.
        clock.advance(to: .seconds(3))
        var caughtUp = later
        let late = caughtUp.wait(untilMediaUs: 7_000_000, stop: stop)
        #expect(late && clock.now == .seconds(3))
    }

    @Test func aStopEndsTheWait() throws {
        let clock = ManualClock()
        let stop = StopSignal()
        var pacer = Pacer(clock: clock)
        _ = pacer.wait(untilMediaUs: 0, stop: stop)
        let started = pacer
        let waiting = BackgroundCall {
            var pacer = started
            return pacer.wait(untilMediaUs: 3_600_000_000, stop: stop)
        }
        #expect(clock.waitForSleeper() == .seconds(3600))
        stop.raise()
        #expect(try waiting.wait()?.get() == false)
        #expect(clock.now == .zero)
    }
}
