import RelayCore
import RelayRuntime
import Synchronization
import Testing
import TestSupport
import WorkerProtocol

/// A reload that changed only a running relay's outputs, carried out in place: the run is
/// told, only the outputs added or removed have their companions prepared or cleaned up,
/// and the relay's life goes on.
@Suite(.timeLimit(.minutes(1)))
struct RelaySupervisorOutputsTests {
    let clock = ManualAsyncClock()
    let executor = FakeExecutor()
    let companion = FakeCompanion()
    let supervisor: RelaySupervisor<ManualAsyncClock>

    init() {
        supervisor = RelaySupervisor(
            settings: SupervisorSettings(stopTimeout: .seconds(10)), logger: quietLogger, clock: clock, executor: executor,
            registry: probeRegistry, recorder: MemoryRecorder(), companions: ["probe": companion])
    }

    func with(_ base: RelaySpec, outputs names: [String]) -> RelaySpec {
        var spec = base
        spec.outputs = names.map { RelaySpec.Output(name: $0, sink: PluginConfig(kind: .sink, type: "probe-platform", options: "{}")) }
        return spec
    }

    @Test func addedAndRemovedOutputsAloneArePreparedAndCleanedUpAndTheRunIsTold() async throws {
        let first = with(spec("shop", "c1"), outputs: ["out", "gone"])
        _ = try await supervisor.start(first, origin: .config)
        let run = await executor.launch(1)
        await run.report(.active)
        #expect(companion.calls.all == ["prepare shop/c1 output out", "prepare shop/c1 output gone"])

        let changed = with(first, outputs: ["out", "new"])
        #expect(await supervisor.updateOutputs(RelayKey(changed), to: changed, origin: .config))
        let update = await run.updates.item(1)
        #expect(update.outputs == ["out", "new"] && update.granted == ["new", "out"])
        // The removed output's cleanup runs in the background; wait for the fourth call.
        _ = await companion.calls.item(4)
        #expect(Set(companion.calls.all.suffix(2)) == ["prepare shop/c1 output new", "cleanup shop/c1 output gone"])
        // Same run, same life: no stop, no second launch.
        #expect(run.orders.all.isEmpty && executor.launches.all.count == 1)
        #expect(await supervisor.relay(channel: "c1")?.spec.outputs.map(\.name) == ["out", "new"])

        // At the end, the outputs it has now are cleaned up, each once.
        await supervisor.stop(RelayKey(changed), reason: "test")
        await run.exit(.stopped)
        _ = await companion.calls.item(6)
        #expect(companion.calls.all.count == 6)
        #expect(Set(companion.calls.all.suffix(2)) == ["cleanup shop/c1 output out", "cleanup shop/c1 output new"])
    }

    @Test func aRelayWhoseRunIsNotUpYetIsNotChangedInPlace() async throws {
        executor.holding.store(true, ordering: .relaxed)
        let first = with(spec("shop", "c1"), outputs: ["out"])
        let starting = Task { try await supervisor.start(first, origin: .config) }
        let waiting = await executor.pending.item(1)
        let changed = with(first, outputs: ["out", "new"])
        // No run to tell yet: the caller restarts the relay with the new spec instead.
        #expect(await supervisor.updateOutputs(RelayKey(changed), to: changed, origin: .config) == false)
        executor.holding.store(false, ordering: .relaxed)
        waiting.resume()
        _ = try await starting.value
        let run = await executor.launch(1)
        #expect(run.updates.all.isEmpty)
    }

    /// An output whose platform is still making its resource: the relay starts without it,
    /// and the grant that comes later reaches the run (and the channel's playback URL).
    @Test func aPendingOutputStartsWhenItsGrantComes() async throws {
        let pending = FakeCompanion(grant: .pending("creating a live input"))
        let recorder = MemoryRecorder()
        let supervisor = RelaySupervisor(
            settings: SupervisorSettings(stopTimeout: .seconds(10)), logger: quietLogger, clock: clock, executor: executor,
            registry: probeRegistry, recorder: recorder, companions: ["probe": pending])
        let first = with(spec("shop", "c1"), outputs: ["out"])
        _ = try await supervisor.start(first, origin: .config)
        let run = await executor.launch(1)
        #expect(run.request.assignment.grants.outputs["out"]?[StageGrant.pendingKey] == "creating a live input")
        await run.report(.active)

        let events = try #require(pending.events.withLock { $0["shop/c1"] })
        await events.granted(StageGrant(values: ["url": "rtmps://platform.example/live/KEY"], playbackURL: "https://play.example/c1.m3u8"))
        let update = await run.updates.item(1)
        #expect(update.outputs == ["out"] && update.granted == ["out"])
        #expect(await supervisor.relay(channel: "c1")?.grantedPlaybackURL == "https://play.example/c1.m3u8")
        #expect(recorder.records.withLock { $0 }.contains { $0.event == .playback(url: "https://play.example/c1.m3u8", platform: nil) })
    }
}
