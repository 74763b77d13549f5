import RelayCore
import RelayRuntime
import Testing
import TestSupport

/// The promise companions rely on, checked over many seeded random histories: every
/// `.prepare` is followed by exactly one `.cleanup`, never while a run is still going, and a
/// new life is prepared only after the previous one's cleanup.
@Suite struct RelayLifecycleLifeTests {
    /// What a supervisor would know while carrying the actions out.
    struct World {
        var lifecycle: Lifecycle
        var now = at(0)
        var prepares = 0
        var cleanups = 0
        /// Runs launched and not yet exited.
        var live: Set<Int> = []
        var preparing = false
        var removed = false

        mutating func apply(_ actions: [Lifecycle.Action]) {
            for action in actions {
                switch action {
                case .prepare:
                    #expect(prepares == cleanups, "a life was prepared before the previous one was cleaned up")
                    prepares += 1
                    preparing = true
                case .launch(let generation):
                    #expect(!preparing || generation > 0)
                    live.insert(generation)
                case .cleanup:
                    cleanups += 1
                    #expect(cleanups == prepares, "cleanup \(cleanups) for \(prepares) prepares")
                    #expect(live.isEmpty, "cleanup while run(s) \(live) still go")
                case .remove: removed = true
                case .startReplacement: apply(lifecycle.begin())
                default: break
                }
            }
        }
    }

    @Test(arguments: 0..<200)
    func everyPrepareGetsExactlyOneCleanupAfterItsLastRun(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let feed: Lifecycle.Feed = [.reads, .pushed(waitsForNext: true), .pushed(waitsForNext: false), .external].randomElement(using: &random)!
        var world = World(lifecycle: Lifecycle(feed: feed))
        world.apply(world.lifecycle.begin())
        let policy = RestartPolicy(initialBackoff: .seconds(1), maxBackoff: .seconds(4), giveUpAfter: 3, window: .seconds(30))
        for _ in 0..<60 where !world.removed {
            world.now = world.now.advanced(by: .milliseconds(Int64.random(in: 0...3000, using: &random)))
            let now = world.now
            let generation = world.lifecycle.generation
            var actions: [Lifecycle.Action] = []
            switch Int.random(in: 0..<12, using: &random) {
            case 0 where world.preparing:
                world.preparing = false
                actions = world.lifecycle.prepared()
            case 1 where world.preparing:
                world.preparing = false
                actions = world.lifecycle.prepareFailed("no")
            case 2: actions = world.lifecycle.reported(.active, generation: generation, now: now)
            case 3:
                let ends: [RelayEnd] = [.finished, .stopped, .sourceGone("gone"), .failed(RelayError(.source, "bad"))]
                actions = world.lifecycle.ended(ends.randomElement(using: &random)!, generation: generation)
            case 4 where world.live.contains(generation):
                world.live.remove(generation)
                actions = world.lifecycle.exited(generation: generation, exit: "exit code 1", now: now, policy: policy)
            case 5: actions = world.lifecycle.timerFired(.restart, now: now)
            case 6: actions = world.lifecycle.timerFired(.kill, now: now)
            case 7: actions = world.lifecycle.replace(killAt: now.advanced(by: .seconds(10)))
            case 8: actions = world.lifecycle.fail("companion gave up", killAt: now.advanced(by: .seconds(10)))
            case 9: actions = world.lifecycle.begin()
            case 10: actions = world.lifecycle.externalState(.active, now: now)
            default: actions = world.lifecycle.stop(reason: "done", killAt: now.advanced(by: .seconds(10)))
            }
            world.apply(actions)
        }
        // However it went, a stop ends it: every run exits, every life is cleaned up once.
        world.apply(world.lifecycle.stop(reason: "done", killAt: world.now))
        if world.preparing { world.apply(world.lifecycle.prepared()) }
        for generation in world.live.sorted() {
            world.live.remove(generation)
            world.apply(world.lifecycle.exited(generation: generation, exit: "exit code 0", now: world.now, policy: policy))
        }
        if case .failed = world.lifecycle.state { world.apply(world.lifecycle.stop(reason: "done", killAt: world.now)) }
        #expect(world.lifecycle.state == .stopped, "\(world.lifecycle.state)")
        #expect(world.prepares == world.cleanups && world.prepares >= 1, "\(world.prepares) prepares, \(world.cleanups) cleanups")
    }
}
