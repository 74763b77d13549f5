import RelayCore
import RelayRuntime
import Testing
import TestSupport

typealias Lifecycle = RelayLifecycle<ManualAsyncClock.Instant>

/// Time `seconds` after the start of a test.
func at(_ seconds: Double) -> ManualAsyncClock.Instant { ManualAsyncClock.Instant(offset: .milliseconds(Int64(seconds * 1000))) }

/// Every transition of one relay's lifecycle, with time passed in: no clock, no supervisor.
@Suite struct RelayLifecycleTests {
    static let policy = RestartPolicy(
        initialBackoff: .seconds(1), maxBackoff: .seconds(8), giveUpAfter: 4, window: .seconds(60), stableAfter: .seconds(30))

    /// Begun, prepared, first run launched and reporting `active` at 0 s.
    static func active(_ feed: Lifecycle.Feed = .reads) -> Lifecycle {
        var lifecycle = Lifecycle(feed: feed)
        _ = lifecycle.begin()
        _ = lifecycle.prepared()
        _ = lifecycle.reported(.active, generation: 1, now: at(0))
        return lifecycle
    }

    @Test func aLifeBeginsWithPrepareThenLaunchesItsFirstRun() {
        var lifecycle = Lifecycle(feed: .reads)
        #expect(lifecycle.relayState == .pending)
        #expect(lifecycle.begin() == [.prepare])
        #expect(lifecycle.state == .preparing && lifecycle.relayState == .pending)
        // Beginning twice does not prepare twice.
        #expect(lifecycle.begin() == [])
        #expect(lifecycle.prepared() == [.launch(generation: 1)])
        #expect(lifecycle.relayState == .starting)
        #expect(lifecycle.ready(generation: 1) == [])
        #expect(lifecycle.run?.ready == true)
        #expect(lifecycle.reported(.active, generation: 1, now: at(1)) == [])
        #expect(lifecycle.relayState == .active)
        #expect(lifecycle.reported(.reconnecting, generation: 1, now: at(2)) == [])
        #expect(lifecycle.relayState == .reconnecting)
    }

    @Test func stopAsksTheRunToEndThenCleansUpAndRemovesOnceItExited() {
        var lifecycle = Self.active()
        #expect(
            lifecycle.stop(reason: "stopped through the API", killAt: at(10))
                == [.stopRun(generation: 1), .schedule(.kill, at: at(10))])
        #expect(lifecycle.relayState == .stopping && !lifecycle.isLive)
        // Its last report and its own word come before its exit, and are kept.
        #expect(lifecycle.reported(.stopping, generation: 1, now: at(1)) == [])
        #expect(lifecycle.ended(.stopped, generation: 1) == [])
        #expect(lifecycle.run?.end == .stopped)
        #expect(
            lifecycle.exited(generation: 1, exit: "exit code 0", now: at(2), policy: Self.policy)
                == [.cancel(.kill), .cleanup, .remove(reason: "stopped through the API")])
        #expect(lifecycle.state == .stopped && lifecycle.relayState == .stopped)
    }

    @Test func aRunThatOverrunsItsStopDeadlineIsKilled() {
        var lifecycle = Self.active()
        _ = lifecycle.stop(reason: "gateway shutting down", killAt: at(10))
        #expect(lifecycle.timerFired(.kill, now: at(10)) == [.killRun(generation: 1)])
        #expect(
            lifecycle.exited(generation: 1, exit: "killed by signal 9", now: at(10), policy: Self.policy)
                == [.cancel(.kill), .cleanup, .remove(reason: "gateway shutting down")])
    }

    @Test func theFirstRestartIsImmediateThenBackoffGrowsOnTheClock() {
        var lifecycle = Self.active()
        let died = Lifecycle.RunEnding.failed(end: nil, exit: "killed by signal 9")
        #expect(
            lifecycle.exited(generation: 1, exit: "killed by signal 9", now: at(1), policy: Self.policy, random: 0.5)
                == [.runEnded(died), .restarting(attempt: 1, delay: .zero, why: "worker killed by signal 9"), .launch(generation: 2)])
        let failed = RelayEnd.failed(RelayError(.source, "pull: connection refused"))
        #expect(lifecycle.ended(failed, generation: 2) == [])
        #expect(
            lifecycle.exited(generation: 2, exit: "exit code 1", now: at(2), policy: Self.policy, random: 0.5)
                == [
                    .runEnded(.failed(end: failed, exit: "exit code 1")),
                    .restarting(attempt: 2, delay: .seconds(1), why: "source: pull: connection refused"),
                    .schedule(.restart, at: at(3)),
                ])
        #expect(lifecycle.state == .backingOff(until: at(3), attempt: 2) && lifecycle.relayState == .starting)
        // Not a moment early.
        #expect(lifecycle.timerFired(.restart, now: at(2.999)) == [])
        #expect(lifecycle.timerFired(.restart, now: at(3)) == [.launch(generation: 3)])
        #expect(
            lifecycle.exited(generation: 3, exit: "exit code 1", now: at(4), policy: Self.policy, random: 0.5)
                .contains(.schedule(.restart, at: at(6))))
    }

    @Test func aCrashLoopGivesUpCleansUpOnceAndWaitsToBeAskedAgain() {
        var lifecycle = Self.active()
        var actions: [Lifecycle.Action] = []
        for failure in 1...4 {
            actions = lifecycle.exited(generation: lifecycle.generation, exit: "exit code 1", now: at(Double(failure)), policy: Self.policy)
            if case .backingOff(let until, _) = lifecycle.state { _ = lifecycle.timerFired(.restart, now: until) }
        }
        let reason = "crash loop: 4 failures in 1m; last: worker exit code 1"
        #expect(actions == [.runEnded(.failed(end: nil, exit: "exit code 1")), .gaveUp(reason: reason), .cleanup])
        #expect(lifecycle.state == .failed(reason: reason) && lifecycle.failure == reason && lifecycle.isLive)
        // Late news of the dead run changes nothing.
        #expect(lifecycle.exited(generation: 4, exit: "exit code 1", now: at(5), policy: Self.policy) == [])
        // Asked again: a new life, counted from zero.
        #expect(lifecycle.begin() == [.prepare])
        #expect(lifecycle.prepared() == [.launch(generation: 5)])
        #expect(lifecycle.exited(generation: 5, exit: "exit code 1", now: at(6), policy: Self.policy).contains(.launch(generation: 6)))
        // Stopped while failed: its life was already cleaned up.
        var failed = lifecycle
        for failure in 7...12 {
            _ = failed.exited(generation: failed.generation, exit: "exit code 1", now: at(Double(failure)), policy: Self.policy)
            if case .backingOff(let until, _) = failed.state { _ = failed.timerFired(.restart, now: until) }
        }
        guard case .failed = failed.state else { Issue.record("not failed: \(failed.state)"); return }
        #expect(failed.stop(reason: "stopped through the API", killAt: at(20)) == [.remove(reason: "stopped through the API")])
    }

    @Test func runningStableWipesTheSlate() {
        var lifecycle = Self.active()
        _ = lifecycle.exited(generation: 1, exit: "exit code 1", now: at(1), policy: Self.policy)
        _ = lifecycle.exited(generation: 2, exit: "exit code 1", now: at(2), policy: Self.policy)
        _ = lifecycle.timerFired(.restart, now: at(10))
        _ = lifecycle.reported(.active, generation: 3, now: at(10))
        // Active for 30 s: the next failure is restart 1 again, at once.
        let actions = lifecycle.exited(generation: 3, exit: "exit code 1", now: at(40), policy: Self.policy)
        #expect(actions.contains(.restarting(attempt: 1, delay: .zero, why: "worker exit code 1")))
        #expect(actions.contains(.launch(generation: 4)))
    }

    @Test func aReplacementStartsOnlyOnceTheOldRunHasExited() {
        var lifecycle = Self.active()
        #expect(lifecycle.replace(killAt: at(10)) == [.stopRun(generation: 1), .schedule(.kill, at: at(10))])
        #expect(lifecycle.isLive && lifecycle.relayState == .stopping)
        // Nothing starts while the old run is still publishing.
        #expect(lifecycle.reported(.stopping, generation: 1, now: at(1)) == [])
        #expect(lifecycle.timerFired(.restart, now: at(5)) == [])
        #expect(
            lifecycle.exited(generation: 1, exit: "exit code 0", now: at(2), policy: Self.policy)
                == [.cancel(.kill), .cleanup, .startReplacement])
        // The replacement's life: prepared again, its run numbered after the old ones.
        #expect(lifecycle.begin() == [.prepare])
        #expect(lifecycle.prepared() == [.launch(generation: 2)])
    }

    @Test func aStopOutranksAPendingReplacementButNotTheOtherWayRound() {
        var replaced = Self.active()
        _ = replaced.replace(killAt: at(10))
        #expect(replaced.stop(reason: "removed from config", killAt: at(10)) == [])
        #expect(
            replaced.exited(generation: 1, exit: "exit code 0", now: at(1), policy: Self.policy)
                == [.cancel(.kill), .cleanup, .remove(reason: "removed from config")])
        var stopped = Self.active()
        _ = stopped.stop(reason: "stopped through the API", killAt: at(10))
        #expect(stopped.replace(killAt: at(10)) == [])
        #expect(!stopped.isLive)
    }

    @Test func stoppedWhilePreparingItEndsWhenThePrepareReturnsWithoutARun() {
        var lifecycle = Lifecycle(feed: .reads)
        _ = lifecycle.begin()
        #expect(lifecycle.stop(reason: "stopped through the API", killAt: at(10)) == [])
        #expect(lifecycle.prepared() == [.cleanup, .remove(reason: "stopped through the API")])
        var failing = Lifecycle(feed: .reads)
        _ = failing.begin()
        _ = failing.replace(killAt: at(10))
        #expect(failing.prepareFailed("no account") == [.cleanup, .startReplacement])
    }

    @Test func aPrepareThatFailsFailsTheRelayAndStillCleansUp() {
        var lifecycle = Lifecycle(feed: .reads)
        _ = lifecycle.begin()
        #expect(lifecycle.prepareFailed("agora media push: no seller uid") == [.gaveUp(reason: "agora media push: no seller uid"), .cleanup])
        #expect(lifecycle.relayState == .failed)
    }

    @Test func aRelayThatCannotBeginFailsWithNothingToCleanUp() {
        var lifecycle = Lifecycle(feed: .reads)
        #expect(lifecycle.cannotBegin("ingest key taken") == [.gaveUp(reason: "ingest key taken")])
        #expect(lifecycle.failure == "ingest key taken")
    }

    @Test func stoppedWhileBackingOffItEndsAtOnce() {
        var lifecycle = Self.active()
        _ = lifecycle.exited(generation: 1, exit: "exit code 1", now: at(1), policy: Self.policy)
        _ = lifecycle.exited(generation: 2, exit: "exit code 1", now: at(2), policy: Self.policy)
        #expect(
            lifecycle.stop(reason: "removed from config", killAt: at(12))
                == [.cancel(.restart), .cleanup, .remove(reason: "removed from config")])
        #expect(lifecycle.timerFired(.restart, now: at(3)) == [])
    }

    @Test func eventsOfAnOlderRunAreIgnored() {
        var lifecycle = Self.active()
        _ = lifecycle.exited(generation: 1, exit: "exit code 1", now: at(1), policy: Self.policy)
        #expect(lifecycle.generation == 2)
        #expect(lifecycle.reported(.failed, generation: 1, now: at(1)) == [])
        #expect(lifecycle.ended(.finished, generation: 1) == [])
        #expect(lifecycle.exited(generation: 1, exit: "exit code 1", now: at(1), policy: Self.policy) == [])
        #expect(lifecycle.run?.generation == 2 && lifecycle.run?.reported == nil)
    }

    @Test func aPublisherThatLeftIsWaitedForOrEndsTheRelayByOrigin() {
        var configured = Self.active(.pushed(waitsForNext: true))
        _ = configured.ended(.finished, generation: 1)
        #expect(
            configured.exited(generation: 1, exit: "exit code 0", now: at(1), policy: Self.policy)
                == [.runEnded(.publisherGoneWaiting), .launch(generation: 2)])
        _ = configured.ended(.sourceGone("not back within 5s"), generation: 2)
        // Not a failure: no restart counted, the next publisher is waited for.
        #expect(configured.exited(generation: 2, exit: "exit code 1", now: at(2), policy: Self.policy).last == .launch(generation: 3))

        var requested = Self.active(.pushed(waitsForNext: false))
        _ = requested.ended(.finished, generation: 1)
        #expect(
            requested.exited(generation: 1, exit: "exit code 0", now: at(1), policy: Self.policy)
                == [.runEnded(.publisherGone), .cleanup, .remove(reason: "source-gone: the publisher left")])
    }

    @Test func aSourceGoneForItsWholeWindowEndsTheRelayWithoutARestart() {
        var lifecycle = Self.active()
        _ = lifecycle.ended(.sourceGone("not back within 5s after 3 re-open attempts"), generation: 1)
        #expect(
            lifecycle.exited(generation: 1, exit: "exit code 1", now: at(9), policy: Self.policy)
                == [
                    .runEnded(.sourceGone("not back within 5s after 3 re-open attempts")), .cleanup,
                    .remove(reason: "source-gone: not back within 5s after 3 re-open attempts"),
                ])
    }

    @Test func aCompanionThatGivesUpFailsTheRelayAndCleansUpAfterTheRunExits() {
        var lifecycle = Self.active()
        #expect(
            lifecycle.fail("agora media push: converter failed", killAt: at(10))
                == [.gaveUp(reason: "agora media push: converter failed"), .stopRun(generation: 1), .schedule(.kill, at: at(10))])
        #expect(lifecycle.relayState == .failed && lifecycle.failure == "agora media push: converter failed")
        // Only once, however often it says so.
        #expect(lifecycle.fail("again", killAt: at(10)) == [])
        #expect(lifecycle.exited(generation: 1, exit: "exit code 0", now: at(1), policy: Self.policy) == [.cancel(.kill), .cleanup])
        #expect(lifecycle.state == .failed(reason: "agora media push: converter failed"))
    }

    @Test func anExternalRelayHasNoRunAndTakesItsStateFromItsCompanion() {
        var lifecycle = Lifecycle(feed: .external)
        _ = lifecycle.begin()
        #expect(lifecycle.prepared() == [])
        #expect(lifecycle.run == nil && lifecycle.relayState == .starting)
        #expect(lifecycle.externalState(.active, now: at(1)) == [])
        #expect(lifecycle.relayState == .active)
        #expect(lifecycle.stop(reason: "stopped through the API", killAt: at(10)) == [.cleanup, .remove(reason: "stopped through the API")])
    }
}
