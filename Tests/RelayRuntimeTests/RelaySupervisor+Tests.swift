import RelayCore
import RelayRuntime
import Synchronization
import Testing
import TestSupport
import WorkerProtocol

/// The supervisor carrying out lifecycles: runs from a fake executor that says only what the
/// test makes it say, a fake companion that writes down its hooks, time from a manual clock.
/// Nothing sleeps; each step awaits the event it depends on.
@Suite(.timeLimit(.minutes(1)))
struct RelaySupervisorTests {
    let clock = ManualAsyncClock()
    let executor = FakeExecutor()
    let companion = FakeCompanion()
    let recorder = MemoryRecorder()
    let supervisor: RelaySupervisor<ManualAsyncClock>

    init() {
        supervisor = RelaySupervisor(
            settings: SupervisorSettings(
                stopTimeout: .seconds(10),
                restart: RestartPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(8), giveUpAfter: 3, window: .seconds(60))),
            logger: quietLogger, clock: clock, executor: executor, registry: probeRegistry, recorder: recorder,
            companions: ["probe": companion])
    }

    func start(_ spec: RelaySpec, seller: String = "42") async throws -> RelaySnapshot {
        try await supervisor.start(spec, origin: .requested(RelayRequest(channel: spec.channel, sellerUID: seller))).relay
    }

    func state(_ channel: String) async -> RelayState? { await supervisor.relay(channel: channel)?.state }

    @Test func companionsPrepareBeforeTheFirstRunAndCleanUpOnceItExited() async throws {
        let relay = try await start(spec("shop", "c1", source: "probe", platform: true))
        #expect(companion.calls.all == ["prepare shop/c1 source", "prepare shop/c1 output out"])
        // What they provisioned reaches the run, per stage.
        let run = await executor.launch(1)
        #expect(run.request.assignment.grants.source["url"] == "rtmp://platform.example/live/SECRET")
        #expect(run.request.assignment.grants.outputs["out"]?["url"] == "rtmp://platform.example/live/SECRET")
        #expect(relay.grantedPlaybackURL == "https://play.example/x.m3u8")
        await run.report(.active)
        #expect(await supervisor.relay(channel: "c1")?.upstream?.kind == "probe")
        #expect(await state("c1") == .active)

        #expect(try await supervisor.stop(channel: "c1", reason: "stopped through the API"))
        #expect(await run.orders.item(1) == "stop")
        #expect(await state("c1") == .stopping)
        // Nothing is released while the run may still publish.
        #expect(companion.calls.all.count == 2)
        await run.report(.stopped)
        await run.exit(.stopped)
        #expect(await companion.calls.item(4) == "cleanup shop/c1 output out")
        #expect(companion.calls.all == [
            "prepare shop/c1 source", "prepare shop/c1 output out", "cleanup shop/c1 source", "cleanup shop/c1 output out",
        ])
        #expect(await supervisor.relay(channel: "c1") == nil)
        #expect(recorder.events("c1").last == .stopped(reason: "stopped through the API"))
    }

    @Test func aCrashLoopRestartsOnTheClockThenGivesUpWithOneCleanup() async throws {
        _ = try await start(spec("shop", "c1", source: "probe"))
        let first = await executor.launch(1)
        await first.report(.active)
        // Restart 1 is at once.
        await first.exit(nil, "killed by signal 9")
        let second = await executor.launch(2)
        #expect(second.request.generation == 2)
        // Restart 2 waits out its backoff on the clock: no run before it.
        await second.exit(.failed(RelayError(.source, "pull: connection refused")), "exit code 1")
        #expect(executor.launches.all.count == 2)
        #expect(await state("c1") == .starting)
        clock.advance(by: .milliseconds(700))
        #expect(executor.launches.all.count == 2)
        clock.advance(by: .milliseconds(600))
        let third = await executor.launch(3)
        // The third failure within the window is a crash loop.
        await third.exit(nil, "exit code 1")
        #expect(await companion.calls.item(2) == "cleanup shop/c1 source")
        let snapshot = try #require(await supervisor.relay(channel: "c1"))
        #expect(snapshot.state == .failed && snapshot.restarts == 2)
        #expect(snapshot.stats?.lastError == "crash loop: 3 failures in 1m; last: worker exit code 1")
        #expect(recorder.events("c1").contains(.failed(reason: "crash loop: 3 failures in 1m; last: worker exit code 1")))
        clock.advance(by: .seconds(30))
        #expect(executor.launches.all.count == 3)

        // Asked again: a new life, prepared anew; a stop then cleans that life up, once.
        #expect(try await supervisor.start(spec("shop", "c1", source: "probe"), origin: .config).created)
        let fourth = await executor.launch(4)
        #expect(await state("c1") == .starting)
        _ = try await supervisor.stop(channel: "c1", reason: "done")
        await fourth.exit(.stopped)
        #expect(await companion.calls.item(4) == "cleanup shop/c1 source")
        #expect(companion.calls.all == [
            "prepare shop/c1 source", "cleanup shop/c1 source", "prepare shop/c1 source", "cleanup shop/c1 source",
        ])
    }

    @Test func aReplacementLaunchesOnlyAfterTheOldRunExitedAndItsLifeWasCleanedUp() async throws {
        _ = try await start(spec("shop", "c1", source: "probe", option: "a"))
        let old = await executor.launch(1)
        await old.report(.active)
        await supervisor.replace(RelayKey(route: "shop", channel: "c1"), with: spec("shop", "c1", source: "probe", option: "b"), origin: .config)
        #expect(await old.orders.item(1) == "stop")
        // The old run still publishes: no second run, no second life yet.
        await old.report(.stopping)
        #expect(executor.launches.all.count == 1 && companion.calls.all.count == 1)
        await old.exit(.stopped)
        let new = await executor.launch(2)
        #expect(new.request.assignment.spec.values["option"] == "b")
        #expect(companion.calls.all == ["prepare shop/c1 source", "cleanup shop/c1 source", "prepare shop/c1 source"])
        // Late news from the old run is not the new run's.
        await old.report(.failed)
        #expect(await state("c1") == .starting)
    }

    @Test func aRunsReportsAndItsEndAreHandledBeforeItsExit() async throws {
        _ = try await start(spec("shop", "c1"))
        let run = await executor.launch(1)
        await run.report(.active)
        var final = RelayStats(state: .failed)
        final.lastError = "source: pull: the input ended badly"
        await run.deliver(.report(final))
        await run.exit(.failed(RelayError(.source, "pull: the input ended badly")), "exit code 1")
        let events = recorder.events("c1")
        let failedAt = try #require(events.firstIndex {
            if case .transition(_, .failed, _, _) = $0 { true } else { false }
        })
        let restartAt = try #require(events.firstIndex {
            if case .transition(_, .starting, let reason?, _) = $0 { reason.hasPrefix("restart 1") } else { false }
        })
        #expect(failedAt < restartAt, "\(events)")
        if case .transition(_, .starting, _, let detail) = events[restartAt] {
            #expect(detail == "source: pull: the input ended badly")
        }
        _ = await executor.launch(2)
    }

    @Test func shutdownStopsEveryRelayKillsTheLateOneAndWaitsForCleanups() async throws {
        _ = try await start(spec("shop", "c1", source: "probe"))
        _ = try await start(spec("shop", "c2", source: "probe"))
        let prompt = await executor.launch(1)
        let late = await executor.launch(2)
        let shutdown = Task { await supervisor.shutdown() }
        #expect(await prompt.orders.item(1) == "stop")
        #expect(await late.orders.item(1) == "stop")
        await prompt.exit(.stopped)
        #expect(await supervisor.isAcceptingRelays == false)
        await #expect(throws: StartRefusal.shuttingDown) {
            try await supervisor.start(spec("shop", "c3"), origin: .config)
        }
        // The late one overruns its stop timeout on the clock and is killed.
        clock.advance(by: .seconds(10))
        #expect(await late.orders.item(2) == "kill")
        await late.exit(nil, "killed by signal 9")
        await shutdown.value
        let calls = companion.calls.all
        #expect(calls.filter { $0.hasPrefix("cleanup") }.sorted() == ["cleanup shop/c1 source", "cleanup shop/c2 source"])
        #expect(calls.last == "shutdown")
        #expect(await supervisor.status().isEmpty)
        #expect(recorder.events("c2").last == .stopped(reason: "gateway shutting down"))
    }

    @Test func aCompanionThatGivesUpFailsTheRelayWithoutARestart() async throws {
        _ = try await start(spec("shop", "c1", source: "probe"))
        let run = await executor.launch(1)
        await run.report(.active)
        let events = try #require(companion.events.withLock { $0["shop/c1"] })
        await events.note("converter recreated", detail: "c-1")
        #expect(recorder.events("c1").contains(.upstream(state: .active, reason: "converter recreated", detail: "c-1")))
        await events.fail("probe: the platform refused us")
        #expect(await run.orders.item(1) == "stop")
        #expect(await state("c1") == .failed)
        await run.exit(.stopped)
        #expect(await companion.calls.item(2) == "cleanup shop/c1 source")
        #expect(await supervisor.relay(channel: "c1")?.stats?.lastError == "probe: the platform refused us")
        #expect(executor.launches.all.count == 1)
        // News from a life that is over changes nothing.
        await events.fail("again")
        #expect(companion.calls.all.count == 2)
    }

    @Test func aPrepareThatThrowsFailsTheRelayBeforeAnyRunAndCleansUp() async throws {
        companion.refuse.withLock { _ = $0.insert("shop/c1") }
        let relay = try await start(spec("shop", "c1", source: "probe", platform: true))
        #expect(relay.state == .failed && relay.stats?.lastError == "probe: no account for shop/c1")
        #expect(await companion.calls.item(2) == "cleanup shop/c1 source")
        // The output's companion was never asked: there is nothing of it to release.
        #expect(companion.calls.all == ["prepare shop/c1 source", "cleanup shop/c1 source"])
        #expect(executor.launches.all.isEmpty)
    }

    @Test func eachOutputsPlatformStatusIsItsOwnAndTheirViewersAddUpInTheMetrics() async throws {
        var twoPlatforms = spec("shop", "c1", source: "probe", platform: true)
        twoPlatforms.outputs.append(RelaySpec.Output(name: "second", sink: twoPlatforms.outputs[0].sink))
        _ = try await start(twoPlatforms)
        companion.outputViewers.withLock { $0["shop/c1"] = ["out": 230, "second": 12] }
        let run = await executor.launch(1)
        await run.report(.active)

        let snapshot = try #require(await supervisor.relay(channel: "c1"))
        #expect(snapshot.outputCompanions["out"]?.viewers == 230)
        #expect(snapshot.outputCompanions["second"]?.viewers == 12)
        #expect(snapshot.upstream?.viewers == nil)
        await supervisor.recordMetrics()
        guard case .metrics(_, _, _, _, let viewers, let hlsViewers) = recorder.events("c1").last else {
            Issue.record("no metrics record: \(recorder.events("c1"))")
            return
        }
        #expect(viewers == nil)
        #expect(hlsViewers == 242)
    }

    @Test func anExternalRelayRunsNoWorkerAndTakesItsStateFromItsCompanion() async throws {
        _ = try await start(spec("shop", "c1", source: "probe", external: true))
        #expect(executor.launches.all.isEmpty)
        #expect(await state("c1") == .starting)
        let events = try #require(companion.events.withLock { $0["shop/c1"] })
        await events.state(.active, reason: nil)
        #expect(await state("c1") == .active)
        #expect(await events.isPublishing() == nil)
        _ = try await supervisor.stop(channel: "c1", reason: "done")
        #expect(await companion.calls.item(2) == "cleanup shop/c1 source")
        #expect(await supervisor.relay(channel: "c1") == nil)
    }

    @Test func aLaunchThatFailsCountsAsAFailedRun() async throws {
        executor.failing.store(1, ordering: .relaxed)
        _ = try await start(spec("shop", "c1"))
        // Restart 1 is at once: the executor's first run is the relay's second.
        let run = await executor.launch(1)
        #expect(run.request.generation == 2)
        #expect(await supervisor.relay(channel: "c1")?.restarts == 1)
    }

    @Test func startIsIdempotentPerChannelAndRefusesAnotherRoute() async throws {
        let first = try await supervisor.start(spec("shop", "c1"), origin: .config)
        let again = try await supervisor.start(spec("shop", "c1"), origin: .config)
        #expect(first.created && !again.created)
        await #expect(throws: StartRefusal.conflict(route: "shop")) {
            try await supervisor.start(spec("other", "c1"), origin: .config)
        }
        #expect(executor.launches.all.count == 1)
    }

    @Test func aStopThatArrivesWhileTheRunStartsStillReachesIt() async throws {
        executor.holding.store(true, ordering: .relaxed)
        let starting = Task { try await supervisor.start(spec("shop", "c1"), origin: .config) }
        let waiting = await executor.pending.item(1)
        await supervisor.stop(RelayKey(route: "shop", channel: "c1"), reason: "removed from config")
        // Its stop deadline passes while it is still starting: no run to kill yet.
        clock.advance(by: .seconds(10))
        waiting.resume()
        _ = try await starting.value
        let run = await executor.launch(1)
        #expect(await run.orders.item(1) == "stop")
        #expect(await run.orders.item(2) == "kill")
        await run.exit(nil, "killed by signal 9")
        #expect(await supervisor.relay(channel: "c1") == nil)
        #expect(recorder.events("c1").last == .stopped(reason: "removed from config"))
    }
}
