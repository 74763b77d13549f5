public import RelayCore

/// One relay's life as a pure state machine: every input returns the actions to carry out,
/// and nothing else happens (`RelaySupervisor` carries them out). Time comes in with the
/// inputs, from whatever clock the caller runs on; a test drives it with a manual one.
///
/// ```
///          begin                prepared           exited (restart)
///   ──▶ preparing ──────────▶ running(run n) ◀────────────────────────┐
///          │                    │   │  │  exited (backoff)            │ timer
///          │ prepare failed     │   │  └──────────────▶ backingOff ──┘
///          ▼                    │   │ stop / replace
///        failed ◀── crash loop ─┘   ▼
///          ▲      or companion   stopping(run n, then: remove | replace | fail)
///          │      gave up           │ exited
///          └────────────────────────┴──▶ stopped (removed) · replacement begins · failed
/// ```
///
/// A *life* runs from `begin` to the end for good. Each life gets exactly one `.prepare` and
/// exactly one `.cleanup`, and the cleanup comes after its last run has exited. Runs are
/// numbered (`generation`): events of an older run than the current one are ignored.
public struct RelayLifecycle<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public enum State: Sendable, Equatable {
        /// Made, not begun.
        case idle
        /// Companions are preparing the relay; no run yet.
        case preparing
        /// A run is launched (or, for an external relay, the companion's service carries it).
        case running(Run)
        /// The last run failed; the next starts at `until` (restart number `attempt`).
        case backingOff(until: Instant, attempt: Int)
        /// Asked to end; waits for the run (or a prepare still under way) to finish.
        case stopping(Stopping)
        /// Ended for good; the relay leaves the table.
        case stopped
        /// Given up (a crash loop, a companion that gave up, a prepare that failed): no run,
        /// no restart, until it is started again.
        case failed(reason: String)
    }

    public struct Run: Sendable, Equatable {
        public var generation: Int
        /// The worker answered `hello` (an external relay is ready from the start).
        public var ready = false
        /// The state it reported last; nil before its first report.
        public var reported: RelayState?
        /// How it said it ended, before it exited.
        public var end: RelayEnd?
    }

    public struct Stopping: Sendable, Equatable {
        /// The run being stopped; nil when there was none (a prepare under way).
        public var run: Run?
        /// A prepare is still under way: its result ends the life.
        public var preparing = false
        public var then: Then
    }

    /// What follows once the run is gone.
    public enum Then: Sendable, Equatable {
        /// The relay is over: it leaves the table.
        case remove(reason: String)
        /// A reload changed it: the replacement's life begins.
        case replace
        /// It failed for good (`reason`) but waits in the table to be asked for again.
        case fail(reason: String)
    }

    /// How the relay gets its media, which decides what an ended run means.
    public enum Feed: Sendable, Equatable {
        /// The source reads by itself (a URL, a test pattern, raw frames).
        case reads
        /// Publishers push to its ingest endpoint. `waitsForNext`: a publisher that left
        /// is not the end (a relay from the config waits for the next one); otherwise the
        /// relay is over with its publisher.
        case pushed(waitsForNext: Bool)
        /// No worker: the companion's service carries the media and reports the state.
        case external
    }

    public internal(set) var state: State = .idle
    public var feed: Feed
    /// The newest run's number; the next run gets the next one.
    public private(set) var generation = 0
    var tracker = RestartTracker<Instant>()

    public init(feed: Feed) { self.feed = feed }

    /// The relay's state as the API shows it.
    public var relayState: RelayState {
        switch state {
        case .idle, .preparing: .pending
        case .running(let run): run.reported ?? .starting
        case .backingOff: .starting
        case .stopping(let stopping):
            if case .fail = stopping.then { .failed } else { .stopping }
        case .stopped: .stopped
        case .failed: .failed
        }
    }

    /// The current run, if one is launched and has not exited.
    public var run: Run? {
        switch state {
        case .running(let run) where feed != .external: run
        case .stopping(let stopping): stopping.run
        default: nil
        }
    }

    /// Why it failed, while it is failed (or failing).
    public var failure: String? {
        switch state {
        case .failed(let reason): reason
        case .stopping(let stopping):
            if case .fail(let reason) = stopping.then { reason } else { nil }
        default: nil
        }
    }

    /// Whether it still runs or will run again (a reload's replacement counts).
    public var isLive: Bool {
        switch state {
        case .stopping(let stopping): stopping.then == .replace
        case .stopped: false
        default: true
        }
    }

    // MARK: - Inputs from the supervisor

    /// A life begins: a new relay, a failed one asked for again, or a reload's replacement.
    public mutating func begin() -> [Action] {
        switch state {
        case .idle, .failed, .stopping(Stopping(run: nil, preparing: false, then: .replace)):
            tracker = RestartTracker()
            state = .preparing
            return [.prepare]
        default:
            return []
        }
    }

    /// A life cannot begin at all (its source cannot have the ingest endpoint it needs): the
    /// relay fails without a prepare, so there is nothing to clean up.
    public mutating func cannotBegin(_ reason: String) -> [Action] {
        switch state {
        case .idle, .failed, .stopping(Stopping(run: nil, preparing: false, then: .replace)):
            state = .failed(reason: reason)
            return [.gaveUp(reason: reason)]
        default:
            return []
        }
    }

    /// The companions are done preparing.
    public mutating func prepared() -> [Action] {
        switch state {
        case .preparing:
            if feed == .external {
                state = .running(Run(generation: generation, ready: true))
                return []
            }
            return launch()
        case .stopping(var stopping) where stopping.preparing:
            stopping.preparing = false
            return finish(stopping.then)
        default:
            return []
        }
    }

    /// A companion could not prepare the relay: it fails without a run.
    public mutating func prepareFailed(_ reason: String) -> [Action] {
        switch state {
        case .preparing:
            state = .failed(reason: reason)
            return [.gaveUp(reason: reason), .cleanup]
        case .stopping(var stopping) where stopping.preparing:
            stopping.preparing = false
            return finish(stopping.then)
        default:
            return []
        }
    }

    /// Asked to end for good (`reason` goes to its history). A run still going gets
    /// `stopRun` and is killed if it outlives `killAt`.
    public mutating func stop(reason: String, killAt: Instant) -> [Action] {
        end(then: .remove(reason: reason), killAt: killAt)
    }

    /// A reload changed the relay: this life ends and the replacement's begins once the
    /// current run is gone, so two runs never publish the same stream at once.
    public mutating func replace(killAt: Instant) -> [Action] {
        end(then: .replace, killAt: killAt)
    }

    /// A companion gave up: the relay fails now (no restart) and its run is stopped.
    public mutating func fail(_ reason: String, killAt: Instant) -> [Action] {
        switch state {
        case .idle, .failed, .stopped, .stopping:
            return []
        default:
            return [.gaveUp(reason: reason)] + end(then: .fail(reason: reason), killAt: killAt)
        }
    }

    private mutating func end(then: Then, killAt: Instant) -> [Action] {
        switch state {
        case .idle, .failed:
            // Never begun, or its life already ended (cleaned up) when it failed.
            return finishWithoutLife(then)
        case .preparing:
            state = .stopping(Stopping(run: nil, preparing: true, then: then))
            return []
        case .running where feed == .external:
            return finish(then)
        case .running(let run):
            state = .stopping(Stopping(run: run, then: then))
            return [.stopRun(generation: run.generation), .schedule(.kill, at: killAt)]
        case .backingOff:
            return [.cancel(.restart)] + finish(then)
        case .stopping(var stopping):
            // A stop outranks a pending replacement; a replacement does not revive a stop.
            if case .remove = stopping.then { return [] }
            stopping.then = then
            state = .stopping(stopping)
            return []
        case .stopped:
            return []
        }
    }

    /// Where `then` leads when there is no life to clean up.
    private mutating func finishWithoutLife(_ then: Then) -> [Action] {
        var actions = finish(then)
        actions.removeAll { $0 == .cleanup }
        return actions
    }

    /// The life is over now (no run left): clean up and go where `then` says.
    mutating func finish(_ then: Then) -> [Action] {
        switch then {
        case .remove(let reason):
            state = .stopped
            return [.cleanup, .remove(reason: reason)]
        case .replace:
            state = .stopping(Stopping(run: nil, preparing: false, then: .replace))
            return [.cleanup, .startReplacement]
        case .fail(let reason):
            state = .failed(reason: reason)
            return [.cleanup]
        }
    }

    mutating func launch() -> [Action] {
        generation += 1
        state = .running(Run(generation: generation))
        return [.launch(generation: generation)]
    }

    /// The restart backoff or the stop deadline ran out.
    public mutating func timerFired(_ timer: LifecycleTimer, now: Instant) -> [Action] {
        switch (timer, state) {
        case (.restart, .backingOff(let until, _)) where now >= until:
            return launch()
        case (.kill, .stopping(let stopping)):
            guard let run = stopping.run else { return [] }
            return [.killRun(generation: run.generation)]
        default:
            return []
        }
    }

    // MARK: - Inputs from a run (in the order the run sent them)

    /// The worker said hello in our protocol.
    public mutating func ready(generation: Int) -> [Action] {
        update(generation) { $0.ready = true }
        return []
    }

    /// A report from run `generation`; `now` keeps the restart policy's `stable_after`.
    public mutating func reported(_ reported: RelayState, generation: Int, now: Instant) -> [Action] {
        guard update(generation, { $0.reported = reported }) else { return [] }
        tracker.observe(reported, at: now)
        return []
    }

    /// For an external relay: the state its companion's service reports.
    public mutating func externalState(_ reported: RelayState, now: Instant) -> [Action] {
        guard feed == .external, case .running(var run) = state else { return [] }
        run.reported = reported
        state = .running(run)
        tracker.observe(reported, at: now)
        return []
    }

    /// The run said how it ended (just before exiting).
    public mutating func ended(_ end: RelayEnd, generation: Int) -> [Action] {
        update(generation) { $0.end = end }
        return []
    }

    /// Updates the current run if it is `generation`; false for any other (stale) run.
    @discardableResult
    private mutating func update(_ generation: Int, _ change: (inout Run) -> Void) -> Bool {
        switch state {
        case .running(var run) where run.generation == generation && feed != .external:
            change(&run)
            state = .running(run)
        case .stopping(var stopping) where stopping.run?.generation == generation:
            change(&stopping.run!)
            state = .stopping(stopping)
        default:
            return false
        }
        return true
    }
}

/// The supervisor's timers, one of each per relay at most.
public enum LifecycleTimer: Sendable, Hashable {
    /// The end of a restart backoff.
    case restart
    /// A stopping run's deadline: then it is killed.
    case kill
}
