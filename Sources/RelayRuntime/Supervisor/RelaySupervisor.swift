import Foundation
import Glibc
public import Logging
public import RelayCore

/// Owns the relay table — desired versus actual — and one worker process per running relay.
///
/// Every event (a worker's stats, its exit, a stop request, a reload) is a method call on
/// this actor, so the table changes in one place, one event at a time.
public actor RelaySupervisor {
    struct ManagedRelay {
        var spec: RelaySpec
        /// False once a stop was requested; the record goes when its worker is gone.
        var desired = true
        /// Set by a reload that changed the relay: started once the old worker has exited,
        /// so two publishers never fight over one stream name.
        var replacement: RelaySpec?
        var worker: WorkerProcess?
        var generation = 0
        var restarts = 0
        var stats: RelayStats?
        var ended: EndedOutcome?
        /// The newest generation whose exit was handled; an exit can arrive while `spawn`
        /// is still suspended, before the worker is even recorded.
        var exitedGeneration = 0
    }

    private var settings: SupervisorSettings
    private let logger: Logger
    private var relays: [RelayKey: ManagedRelay] = [:]
    private var shuttingDown = false

    public init(settings: SupervisorSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func update(settings: SupervisorSettings) { self.settings = settings }

    /// Makes the running relays match `specs`: unchanged ones keep running untouched,
    /// changed ones restart, removed ones stop, new ones start.
    public func apply(_ specs: [RelaySpec]) async {
        let desired = Dictionary(specs.map { (RelayKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        for key in relays.keys.sorted() where desired[key] == nil {
            stop(key, reason: "removed from config")
        }
        for spec in specs {
            let key = RelayKey(spec)
            if let existing = relays[key] {
                if existing.spec == spec, existing.desired { continue }
                logger.info("relay changed; restarting it", metadata: meta(key))
                relays[key]?.replacement = spec
                stop(key, reason: "config changed", keepRecord: true)
                if relays[key]?.worker == nil { await replace(key) }
            } else {
                await start(spec)
            }
        }
    }

    public func start(_ spec: RelaySpec) async {
        let key = RelayKey(spec)
        guard !shuttingDown else { return }
        if relays[key] == nil { relays[key] = ManagedRelay(spec: spec) }
        await spawn(key)
    }

    public func stop(_ key: RelayKey, reason: String) {
        stop(key, reason: reason, keepRecord: false)
    }

    private func stop(_ key: RelayKey, reason: String, keepRecord: Bool) {
        guard var relay = relays[key] else { return }
        if !keepRecord { relay.replacement = nil }
        relay.desired = false
        relays[key] = relay
        logger.info("relay stopping", metadata: meta(key, ["reason": "\(reason)"]))
        if let worker = relay.worker {
            worker.send(.stop)
        } else if relay.replacement == nil {
            relays[key] = nil
        }
    }

    /// Stops every relay gracefully; workers that overrun `stopTimeout` are killed.
    public func shutdown() async {
        shuttingDown = true
        for key in relays.keys.sorted() { stop(key, reason: "gateway shutting down") }
        let deadline = ContinuousClock.now + settings.stopTimeout
        while !relays.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for (key, relay) in relays {
            logger.error("relay did not stop in time; killing its worker", metadata: meta(key))
            relay.worker?.kill()
        }
        let killDeadline = ContinuousClock.now + .seconds(2)
        while !relays.isEmpty, ContinuousClock.now < killDeadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every relay the supervisor knows, with its last reported stats.
    public func status() -> [(key: RelayKey, stats: RelayStats?, restarts: Int, pid: Int32?)] {
        relays.keys.sorted().map { key in
            let relay = relays[key]!
            return (key, relay.stats, relay.restarts, relay.worker?.pid)
        }
    }

    /// One log line per relay with its numbers.
    public func logStats() {
        for key in relays.keys.sorted() {
            guard let relay = relays[key], let stats = relay.stats else { continue }
            logger.info("relay stats \(StatsLine.format(stats, restarts: relay.restarts))", metadata: meta(key))
        }
    }

    /// Logs every relay's stats each `statsInterval` (re-read each time, so reloads apply)
    /// until the task is cancelled.
    public func logStatsPeriodically() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.statsInterval)
            logStats()
        }
    }

    // MARK: - Workers

    private func spawn(_ key: RelayKey) async {
        guard var relay = relays[key], relay.worker == nil, relay.desired, !shuttingDown else { return }
        relay.generation += 1
        relay.ended = nil
        let generation = relay.generation
        relays[key] = relay
        do {
            let worker = try await WorkerProcess.spawn(
                executable: settings.executable,
                // `--relay` only labels the process for ps and /proc; the spec comes over the socket.
                arguments: ["worker", "--supervisor-pid", "\(getpid())", "--relay", key.description],
                onMessage: { message in Task { await self.received(message, from: key, generation: generation) } },
                onExit: { exit in Task { await self.exited(key, generation: generation, exit: exit) } })
            worker.send(
                .start(spec: relay.spec, logLevel: settings.logLevel, drainTimeoutMs: settings.stopTimeout.milliseconds / 2))
            guard let current = relays[key], current.generation == generation else {
                // The relay was replaced or removed while this worker started: it is nobody's.
                worker.send(.stop)
                return
            }
            // It already died (and a restart is scheduled): do not record a dead worker.
            guard current.exitedGeneration != generation else { return }
            relays[key]?.worker = worker
            logger.info("relay worker started", metadata: meta(key, ["pid": "\(worker.pid)"]))
            // A stop that arrived while spawning must still reach the worker.
            if relays[key]?.desired == false { worker.send(.stop) }
        } catch {
            logger.error("relay worker could not start: \(error)", metadata: meta(key))
            scheduleRestart(key, generation: generation)
        }
    }

    /// Swaps in the relay's pending replacement spec and starts it. The generation carries
    /// over so that late events from the old worker are still recognised as stale.
    private func replace(_ key: RelayKey) async {
        guard let old = relays[key], let spec = old.replacement else { return }
        var fresh = ManagedRelay(spec: spec)
        fresh.generation = old.generation
        relays[key] = fresh
        await spawn(key)
    }

    private func received(_ message: WorkerMessage, from key: RelayKey, generation: Int) {
        guard relays[key]?.generation == generation else { return }
        switch message {
        case .stats(let stats): relays[key]?.stats = stats
        case .ended(let outcome): relays[key]?.ended = outcome
        }
    }

    private func exited(_ key: RelayKey, generation: Int, exit: WorkerExit) async {
        guard var relay = relays[key], relay.generation == generation else { return }
        relay.worker = nil
        relay.exitedGeneration = generation
        relays[key] = relay
        if !relay.desired || shuttingDown {
            if relay.replacement != nil, !shuttingDown {
                await replace(key)
            } else {
                relays[key] = nil
                logger.info("relay stopped", metadata: meta(key, ["worker": "\(exit)"]))
            }
            return
        }
        // The relay should be running and is not: say why, then start it again.
        switch relay.ended?.kind {
        case .finished?:
            logger.notice("relay input ended; restarting", metadata: meta(key))
        case .failed?:
            logger.error(
                "relay failed: \(relay.ended?.error?.rawValue ?? "internal"): \(relay.ended?.message ?? "")",
                metadata: meta(key, ["worker": "\(exit)"]))
        case .stopped?, nil:
            logger.error("relay worker died unexpectedly (\(exit))", metadata: meta(key))
        }
        relays[key]?.stats?.state = .failed
        scheduleRestart(key, generation: generation)
    }

    private func scheduleRestart(_ key: RelayKey, generation: Int) {
        let delay = settings.restartDelay
        relays[key]?.restarts += 1
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            await self.restart(key, generation: generation)
        }
    }

    private func restart(_ key: RelayKey, generation: Int) async {
        guard let relay = relays[key], relay.generation == generation, relay.desired, relay.worker == nil else { return }
        logger.info("relay restarting", metadata: meta(key, ["restarts": "\(relay.restarts)"]))
        await spawn(key)
    }

    private func meta(_ key: RelayKey, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        extra.merging(["route": "\(key.route)", "channel": "\(key.channel)"]) { a, _ in a }
    }
}
