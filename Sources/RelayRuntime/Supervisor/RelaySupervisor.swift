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
        var origin: RelayOrigin
        var startedAt = Date()
        /// False once a stop was requested; the record goes when its worker is gone.
        var desired = true
        /// Set by a reload that changed the relay (its spec, or its route for this channel):
        /// started once the old worker has exited, so two publishers never fight over one
        /// stream name.
        var replacement: (spec: RelaySpec, origin: RelayOrigin)?
        var worker: WorkerProcess?
        var generation = 0
        var restarts = 0
        /// Its failures under the route's restart policy.
        var tracker = RestartTracker()
        /// Why restarting was given up (a crash loop): the relay is `failed` and waits for a
        /// start request or a reload that changes it.
        var failure: String?
        var stats: RelayStats?
        /// The outputs' total drops in the report before `stats`: health compares the two.
        var droppedBefore: Int64 = 0
        var ended: EndedOutcome?
        /// The newest generation whose exit was handled; an exit can arrive while `spawn`
        /// is still suspended, before the worker is even recorded.
        var exitedGeneration = 0
        /// Why it was asked to stop, for the journal.
        var stopReason: String?
        /// Its ingest endpoint, claimed at the ingest server, for a source that publishers
        /// push to. Kept across restarts and unchanged reloads, so a publisher stays connected.
        var ingest: IngestRegistration?
        /// Attached to the upstream that publishes its source (Agora Media Push).
        var upstreamAttached = false

        /// Running or about to run again (a reload's replacement counts).
        var isLive: Bool { desired || replacement != nil }
        /// What runs (or will, once the replacement starts).
        var liveSpec: RelaySpec { replacement?.spec ?? spec }
    }

    private var settings: SupervisorSettings
    private let logger: Logger
    /// Tells which relays' sources are pushed to (`SourcePlugin.ingestEndpoint`).
    private let registry: PluginRegistry?
    /// The ingest server those relays' publishers connect to.
    private let ingest: (any IngestDirectory)?
    /// What publishes the source of relays it serves into the ingest server (Agora Media Push).
    private let upstream: (any SourceUpstream)?
    private var relays: [RelayKey: ManagedRelay] = [:]
    private var shuttingDown = false
    private var gauges = RelayGauges()
    private var journal: RelayJournal
    /// Where buyers watch a relay and which platform serves it (from the current config).
    private var playback: @Sendable (RelaySpec) -> (url: String?, platform: String?) = { _ in (nil, nil) }

    /// `recorder` keeps what happens to relays (PostgreSQL, or nothing). Relays whose source is
    /// pushed to (per `registry`) get their endpoint at `ingest`.
    public init(
        settings: SupervisorSettings, logger: Logger, recorder: any RelayRecorder = DiscardingRecorder(),
        registry: PluginRegistry? = nil, ingest: (any IngestDirectory)? = nil, upstream: (any SourceUpstream)? = nil
    ) {
        self.settings = settings
        self.logger = logger
        self.registry = registry
        self.ingest = ingest
        self.upstream = upstream
        journal = RelayJournal(recorder: recorder)
    }

    /// How to name a relay's playback URL and platform; set again after each reload.
    public func update(playback: @escaping @Sendable (RelaySpec) -> (url: String?, platform: String?)) {
        self.playback = playback
    }

    public func update(settings: SupervisorSettings) { self.settings = settings }

    /// Makes the running relays match the config: `specs` are its static relays; every relay
    /// started through the API is resolved again with `resolve` (nil: its route is gone).
    /// Unchanged relays keep running untouched, changed ones restart, removed ones stop,
    /// new ones start. A static relay takes its channel from an API-started one.
    @discardableResult
    public func apply(_ specs: [RelaySpec], resolve: (RelayRequest) -> RelaySpec? = { _ in nil }) async -> RelayChanges {
        var changes = RelayChanges()
        var desired: [RelayKey: (spec: RelaySpec, origin: RelayOrigin)] = [:]
        for spec in specs where desired[RelayKey(spec)] == nil { desired[RelayKey(spec)] = (spec, .config) }
        let staticChannels = Set(specs.map(\.channel))
        for (_, relay) in relays where relay.isLive {
            guard case .requested(let request) = relay.origin, !staticChannels.contains(request.channel),
                let spec = resolve(request)
            else { continue }
            desired[RelayKey(spec)] = (spec, relay.origin)
        }
        for key in relays.keys.sorted() where desired[key] == nil && relays[key]?.isLive == true {
            stop(key, reason: relays[key]?.origin == .config ? "removed from config" : "its route changed or is gone")
            changes.stopped += 1
        }
        for key in desired.keys.sorted() {
            let (spec, origin) = desired[key]!
            if let existing = relays[key] {
                relays[key]?.origin = origin
                // A static relay took over an API one on the same route (or back): say so.
                if existing.origin != origin, existing.spec == spec, existing.desired {
                    journal.requested(spec, origin: origin, ingestKey: generatedIngestKey(existing))
                }
                if existing.spec == spec, existing.desired {
                    changes.unchanged += 1
                    continue
                }
                logger.info("relay changed; restarting it", metadata: meta(key))
                changes.restarted += 1
                await replace(key, with: spec, origin: origin)
            } else if let other = relays.keys.first(where: { $0.channel == key.channel }) {
                logger.info("relay moves to route \(key.route); restarting it", metadata: meta(other))
                changes.restarted += 1
                await replace(other, with: spec, origin: origin)
            } else if !shuttingDown {
                var relay = ManagedRelay(spec: spec, origin: origin)
                let claim = claimIngest(for: spec, keeping: nil)
                if case .success(let registration) = claim { relay.ingest = registration }
                insert(relay)
                changes.started += 1
                if case .failure(let error) = claim {
                    giveUp(key, reason: error.message)
                    continue
                }
                attachUpstream(key)
                await spawn(key)
            }
        }
        return changes
    }

    /// Starts a relay unless its channel already has one. Idempotent: the same route on the
    /// same channel gives back the running relay (`created` false). Every check and the
    /// insertion happen before the first suspension, so concurrent calls for one channel
    /// cannot both start a worker, and limits cannot be overshot.
    ///
    /// A relay whose source is pushed to gets its endpoint at the ingest server before it
    /// starts: `ingestKey` is the stream key to use when its source asks for a random one
    /// (a relay resumed after a restart keeps its key); nil: a new random key.
    public func start(
        _ spec: RelaySpec, origin: RelayOrigin, routeLimit: Int? = nil, ingestKey: String? = nil
    ) async throws(StartRefusal) -> (
        relay: RelaySnapshot, created: Bool
    ) {
        guard !shuttingDown else { throw .shuttingDown }
        let key = RelayKey(spec)
        if let (otherKey, other) = relays.first(where: { $0.key.channel == spec.channel }) {
            guard other.isLive else { throw .stopping }
            guard RelayKey(other.liveSpec) == key else { throw .conflict(route: other.liveSpec.route) }
            guard other.failure != nil, other.replacement == nil else { return (snapshot(otherKey, other), false) }
            // A relay that gave up after a crash loop: asking again is a fresh start.
            logger.notice("failed relay started again on request", metadata: meta(key))
            switch claimIngest(for: spec, keeping: other.ingest, preferredKey: ingestKey) {
            case .success(let registration): relays[key]?.ingest = registration
            case .failure(let error): throw .ingestUnavailable(error.message)
            }
            relays[key]?.failure = nil
            relays[key]?.tracker = RestartTracker()
            relays[key]?.stats = nil
            relays[key]?.startedAt = Date()
            // It keeps its origin: a static relay stays static, an API one keeps its request.
            journal.requested(spec, origin: other.origin, ingestKey: relays[key].flatMap(generatedIngestKey))
            attachUpstream(key)
            await spawn(key)
            return (relays[key].map { snapshot(key, $0) } ?? snapshot(otherKey, other), true)
        }
        let live = relays.values.filter(\.isLive)
        if let limit = settings.maxRelays, live.count >= limit { throw .limitReached(scope: "global", limit: limit) }
        if let routeLimit, live.filter({ $0.liveSpec.route == spec.route }).count >= routeLimit {
            throw .limitReached(scope: spec.route, limit: routeLimit)
        }
        var relay = ManagedRelay(spec: spec, origin: origin)
        switch claimIngest(for: spec, keeping: nil, preferredKey: ingestKey) {
        case .success(let registration): relay.ingest = registration
        case .failure(let error): throw .ingestUnavailable(error.message)
        }
        insert(relay)
        let created = snapshot(key, relays[key]!)
        attachUpstream(key)
        await spawn(key)
        return (relays[key].map { snapshot(key, $0) } ?? created, true)
    }

    public func stop(_ key: RelayKey, reason: String) {
        stop(key, reason: reason, keepRecord: false)
    }

    /// Stops the channel's relay if it was started through the API. Returns false when the
    /// channel has no relay (stopping one twice is not an error).
    public func stop(channel: String, reason: String) throws(StopRefusal) -> Bool {
        guard let (key, relay) = relays.first(where: { $0.key.channel == channel && $0.value.isLive }) else { return false }
        if (relay.replacement?.origin ?? relay.origin) == .config { throw .configured(route: relay.liveSpec.route) }
        stop(key, reason: reason)
        return true
    }

    private func stop(_ key: RelayKey, reason: String, keepRecord: Bool) {
        guard var relay = relays[key] else { return }
        if !keepRecord { relay.replacement = nil }
        relay.desired = false
        relay.stopReason = reason
        relays[key] = relay
        logger.info("relay stopping", metadata: meta(key, ["reason": "\(reason)"]))
        if let worker = relay.worker {
            worker.send(.stop)
        } else if relay.replacement == nil {
            remove(key)
            journal.stopped(relay.spec, reason: reason)
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
    public func status() -> [RelaySnapshot] {
        relays.keys.sorted().map { snapshot($0, relays[$0]!) }
    }

    public func relay(channel: String) -> RelaySnapshot? {
        relays.first { $0.key.channel == channel }.map { snapshot($0.key, $0.value) }
    }

    /// Sets the per-relay gauges from the current table; called when metrics are read.
    public func updateGauges() {
        gauges.update(status())
    }

    /// Whether new relays may start: false once shutdown has begun.
    public var isAcceptingRelays: Bool { !shuttingDown }

    private func snapshot(_ key: RelayKey, _ relay: ManagedRelay) -> RelaySnapshot {
        let state: RelayState
        if relay.failure != nil, relay.desired {
            state = .failed
        } else if !relay.desired {
            state = .stopping
        } else if let stats = relay.stats {
            state = stats.state
        } else {
            state = relay.worker == nil && relay.generation == 0 ? .pending : .starting
        }
        let health = relay.stats.map { RelayHealth.assess($0, droppedBefore: relay.droppedBefore) } ?? .poor
        var stats = relay.stats
        if let failure = relay.failure, relay.desired {
            // Why it gave up outlasts the last report of its worker (which may not know).
            if stats == nil { stats = RelayStats(state: .failed) }
            stats?.lastError = failure
        }
        return RelaySnapshot(
            spec: relay.spec, origin: relay.origin, state: state, health: state == .active ? health : .poor,
            stats: stats, restarts: relay.restarts, pid: relay.worker?.pid, startedAt: relay.startedAt,
            upstream: relay.upstreamAttached ? upstream?.status(relayID: key.description) : nil,
            ingest: relay.ingest.flatMap { registration in
                ingest.flatMap { directory in
                    directory.status(relay: registration.relay).map {
                        RelaySnapshot.Ingest(
                            url: directory.publicURL + registration.publishPath,
                            secureURL: directory.secureURL.map { $0 + registration.publishPath }, status: $0)
                    }
                }
            })
    }

    /// One log line per relay with its numbers.
    public func logStats() {
        for key in relays.keys.sorted() {
            guard let relay = relays[key], let stats = relay.stats else { continue }
            logger.info("relay stats \(StatsLine.format(stats, restarts: relay.restarts))", metadata: meta(key))
        }
    }

    /// A metrics record for every relay with a worker and stats, each `interval`, until the
    /// task is cancelled.
    public func recordMetricsPeriodically(every interval: Duration) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            let running = relays.filter { ($0.value.worker != nil || isDirect($0.value.spec)) && $0.value.desired }
            journal.sample(running.compactMap { key, relay in
                let viewers = relay.upstreamAttached ? upstream?.status(relayID: key.description)?.viewers : nil
                return relay.stats.map { (relay.spec, $0, viewers) }
            })
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
        guard var relay = relays[key], relay.worker == nil, relay.desired, !shuttingDown, !isDirect(relay.spec) else {
            return
        }
        relay.generation += 1
        relay.ended = nil
        let generation = relay.generation
        relays[key] = relay
        let registration = relay.ingest
        let ingestURL = registration.flatMap { registration in ingest.map { $0.publicURL + registration.publishPath } }
        do {
            let (worker, ingestFD) = try await WorkerProcess.spawn(
                executable: settings.executable,
                // `--relay` only labels the process for ps and /proc; the spec comes over the socket.
                arguments: ["worker", "--supervisor-pid", "\(getpid())", "--relay", key.description],
                ingest: ingestURL != nil,
                onMessage: { message in Task { await self.received(message, from: key, generation: generation) } },
                onExit: { exit in Task { await self.exited(key, generation: generation, exit: exit) } })
            if let ingestFD, let registration {
                // Before `start`: the directory replays the live publisher's headers first.
                ingest?.attach(relay: registration.relay, descriptor: ingestFD)
            }
            worker.send(
                .start(
                    spec: relay.spec, logLevel: settings.logLevel, drainTimeoutMs: settings.stopTimeout.milliseconds / 2,
                    ingestURL: ingestURL))
            guard let current = relays[key], current.generation == generation else {
                // The relay was replaced or removed while this worker started: it is nobody's.
                worker.send(.stop)
                return
            }
            // It already died (and a restart is scheduled): do not record a dead worker.
            guard current.exitedGeneration != generation else { return }
            relays[key]?.worker = worker
            SupervisorMetrics.workerStarted()
            logger.info("relay worker started", metadata: meta(key, ["pid": "\(worker.pid)"]))
            // A stop that arrived while spawning must still reach the worker.
            if relays[key]?.desired == false { worker.send(.stop) }
        } catch {
            logger.error("relay worker could not start: \(error)", metadata: meta(key))
            failed(key, generation: generation, why: "worker could not start: \(error)")
        }
    }

    /// Stops the relay at `key` and starts `spec` (same channel, maybe another route) once
    /// its worker has exited.
    private func replace(_ key: RelayKey, with spec: RelaySpec, origin: RelayOrigin) async {
        relays[key]?.replacement = (spec, origin)
        if relays[key]?.desired == true { stop(key, reason: "config changed", keepRecord: true) }
        if relays[key]?.worker == nil { await replace(key) }
    }

    /// Swaps in the relay's pending replacement and starts it. On the same key the
    /// generation carries over, so late events from the old worker are still recognised as
    /// stale; on another key they find no record.
    private func replace(_ key: RelayKey) async {
        guard let old = relays[key], let replacement = old.replacement else { return }
        let next = RelayKey(replacement.spec)
        var fresh = ManagedRelay(spec: replacement.spec, origin: replacement.origin)
        if next == key {
            fresh.generation = old.generation
        } else {
            remove(key)
            journal.stopped(old.spec, reason: "moved to route \(next.route)")
        }
        // An unchanged endpoint is kept as it is: its publisher stays connected.
        let claim = claimIngest(for: fresh.spec, keeping: next == key ? old.ingest : nil)
        if case .success(let registration) = claim { fresh.ingest = registration }
        if next == key, old.upstreamAttached {
            // The spec changed: the upstream push (its body, its URL) may have too.
            upstream?.detach(relayID: key.description)
        }
        insert(fresh)
        if case .failure(let error) = claim {
            giveUp(next, reason: error.message)
            return
        }
        attachUpstream(next)
        await spawn(next)
    }

    private func received(_ message: WorkerMessage, from key: RelayKey, generation: Int) {
        guard relays[key]?.generation == generation else { return }
        switch message {
        case .stats(let stats):
            // Read first: an optional-chained assignment would hold the table while reading it.
            let droppedBefore = relays[key]?.stats?.outputs.reduce(0) { $0 + $1.dropped } ?? 0
            relays[key]?.droppedBefore = droppedBefore
            relays[key]?.stats = stats
            relays[key]?.tracker.observe(stats.state, at: .now)
            if let spec = relays[key]?.spec { journal.observe(spec, stats: stats, playback: playback(spec)) }
        case .ended(let outcome): relays[key]?.ended = outcome
        }
    }

    private func exited(_ key: RelayKey, generation: Int, exit: WorkerExit) async {
        guard var relay = relays[key], relay.generation == generation else { return }
        relay.worker = nil
        relay.exitedGeneration = generation
        relays[key] = relay
        if let registration = relay.ingest { ingest?.detach(relay: registration.relay) }
        if relay.failure != nil, relay.desired, !shuttingDown {
            // Its upstream gave up while it ran: it stays failed until asked for again.
            relays[key]?.stats?.state = .failed
            logger.info("failed relay's worker stopped", metadata: meta(key, ["worker": "\(exit)"]))
            return
        }
        if !relay.desired || shuttingDown {
            if relay.replacement != nil, !shuttingDown {
                await replace(key)
            } else {
                remove(key)
                journal.stopped(relay.spec, reason: relay.stopReason ?? "stopped")
                SupervisorMetrics.relayStopped()
                logger.info("relay stopped", metadata: meta(key, ["worker": "\(exit)"]))
            }
            return
        }
        // A relay pushed to whose publisher left (for longer than the reconnect window, or
        // at once without one) is no failure. From the config, it waits for the next
        // publisher; started by request (a seller), it is over, as when any source is gone.
        let publisherGone = relay.ended?.sourceGone == true || relay.ended?.kind == .finished
        if relay.ingest != nil, publisherGone, relay.origin == .config {
            logger.notice("relay's publisher is gone; waiting for the next one", metadata: meta(key))
            relays[key]?.stats = RelayStats(state: .starting)
            journal.observe(
                relay.spec, stats: RelayStats(state: .starting), playback: playback(relay.spec),
                reason: "publisher gone; waiting for the next one")
            await spawn(key)
            return
        }
        if relay.ingest != nil, relay.ended?.kind == .finished {
            remove(key)
            logger.notice("relay ended and is not restarted: its publisher left", metadata: meta(key))
            journal.stopped(relay.spec, reason: "source-gone: the publisher left")
            SupervisorMetrics.relayStopped()
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
        let why = relay.ended.map { "\($0.error?.rawValue ?? "internal"): \($0.message ?? "")" } ?? "worker \(exit)"
        if let stats = relays[key]?.stats {
            journal.observe(relay.spec, stats: stats, playback: playback(relay.spec), reason: why)
        }
        SupervisorMetrics.relayFailed()
        // The source stayed away for its whole reconnect window: the relay is over, not crashed.
        if relay.ended?.sourceGone == true {
            remove(key)
            logger.notice("relay ended and is not restarted: source-gone", metadata: meta(key))
            journal.stopped(relay.spec, reason: "source-gone: \(relay.ended?.message ?? "source not back in time")")
            SupervisorMetrics.relayStopped()
            return
        }
        failed(key, generation: generation, why: why)
    }

    /// The relay's worker ended (or never started) while it should run: restart it after
    /// the route's backoff, or give up when the failures make a crash loop.
    private func failed(_ key: RelayKey, generation: Int, why: String) {
        guard let spec = relays[key]?.spec else { return }
        let policy = settings.restartPolicy(route: key.route)
        switch relays[key]?.tracker.failed(at: .now, policy: policy) {
        case .giveUp(let failures)?:
            giveUp(key, reason: "crash loop: \(failures) failures in \(DurationText.format(policy.window)); last: \(why)")
        case .restart(let attempt, let delay)?:
            relays[key]?.restarts += 1
            SupervisorMetrics.relayRestarted()
            journal.restarting(spec, attempt: attempt, delay: delay, why: why)
            Task {
                if delay > .zero { try? await Task.sleep(for: delay) }
                await self.restart(key, generation: generation)
            }
        case nil: break
        }
    }

    /// The relay stays `failed`, without a worker, until a start request or a reload that
    /// changes it.
    private func giveUp(_ key: RelayKey, reason: String) {
        guard let spec = relays[key]?.spec else { return }
        relays[key]?.failure = reason
        relays[key]?.stats?.lastError = reason
        detachUpstream(key)
        logger.error("relay failed; not restarting it: \(reason)", metadata: meta(key))
        journal.failed(spec, reason: reason)
    }

    /// Hands the relay to the upstream that publishes its source, once its ingest endpoint
    /// is claimed (the upstream pushes there).
    private func attachUpstream(_ key: RelayKey) {
        guard let upstream, let relay = relays[key], !relay.upstreamAttached, upstream.serves(relay.spec) else { return }
        let ingestURL = relay.ingest.flatMap { registration in ingest.map { $0.publicURL + registration.publishPath } }
        guard ingestURL != nil || isDirect(relay.spec) else { return }
        var sellerUID: String?
        if case .requested(let request) = relay.origin { sellerUID = request.sellerUID }
        relays[key]?.upstreamAttached = true
        upstream.attach(
            UpstreamRelay(id: key.description, spec: relay.spec, sellerUID: sellerUID, ingestURL: ingestURL), events: self)
    }

    /// A relay its upstream pushes straight to the platform: no ingest endpoint, no worker.
    private func isDirect(_ spec: RelaySpec) -> Bool {
        guard let upstream, upstream.serves(spec) else { return false }
        return upstream.publishesDirectly(spec)
    }

    private func detachUpstream(_ key: RelayKey) {
        guard relays[key]?.upstreamAttached == true else { return }
        relays[key]?.upstreamAttached = false
        upstream?.detach(relayID: key.description)
    }

    /// Drops a relay from the table; its ingest endpoint goes with it (a publisher on it is
    /// disconnected).
    private func remove(_ key: RelayKey) {
        detachUpstream(key)
        if let registration = relays[key]?.ingest { ingest?.unregister(relay: registration.relay) }
        relays[key] = nil
    }

    /// The ingest endpoint `spec`'s source asks for, claimed at the ingest server: nil when
    /// it reads by itself. `current` (the relay's endpoint so far) is kept when the new one
    /// equals it, and lends its key when the source still asks for a random one.
    private func claimIngest(
        for spec: RelaySpec, keeping current: IngestRegistration?, preferredKey: String? = nil
    ) -> Result<IngestRegistration?, RelayError> {
        let relayID = RelayKey(spec).description
        guard let endpoint = registry?.ingestEndpoint(for: spec.source), !isDirect(spec) else {
            if let current { ingest?.unregister(relay: current.relay) }
            return .success(nil)
        }
        guard let ingest else {
            return .failure(RelayError(.configuration, "source \"\(spec.source.type)\" needs the RTMP ingest server, which is not running"))
        }
        let streamKey: String
        if let template = endpoint.key {
            let values = spec.values.merging(["channel": spec.channel, "route": spec.route]) { _, fixed in fixed }
            do {
                streamKey = try Template.expand(template, values: values)
            } catch {
                return .failure(RelayError(.configuration, "ingest key: \(error)"))
            }
        } else {
            streamKey = current?.key ?? preferredKey ?? StreamKey.random()
        }
        let registration = IngestRegistration(
            relay: relayID, app: endpoint.app, key: streamKey, takeover: endpoint.takeover)
        if registration == current { return .success(current) }
        if let current { ingest.unregister(relay: current.relay) }
        do {
            try ingest.register(registration)
        } catch {
            return .failure(RelayError(.configuration, "cannot accept publishers: \(error)"))
        }
        return .success(registration)
    }

    /// Adds a relay to the table and journals that it is wanted (for boot reconciliation).
    private func insert(_ relay: ManagedRelay) {
        relays[RelayKey(relay.spec)] = relay
        journal.requested(relay.spec, origin: relay.origin, ingestKey: generatedIngestKey(relay))
    }

    /// The relay's stream key when the gateway made it up (its source sets none): what a
    /// restarted gateway must reuse. Configured keys come from the config again.
    private func generatedIngestKey(_ relay: ManagedRelay) -> String? {
        guard let registration = relay.ingest, registry?.ingestEndpoint(for: relay.spec.source)?.key == nil else { return nil }
        return registration.key
    }

    private func restart(_ key: RelayKey, generation: Int) async {
        guard let relay = relays[key], relay.generation == generation, relay.desired, relay.worker == nil,
            relay.failure == nil
        else { return }
        logger.info("relay restarting", metadata: meta(key, ["restarts": "\(relay.restarts)"]))
        await spawn(key)
    }

    private func meta(_ key: RelayKey, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        extra.merging(["route": "\(key.route)", "channel": "\(key.channel)"]) { a, _ in a }
    }
}

extension RelaySupervisor: UpstreamEvents {
    public func upstreamNote(relayID: String, reason: String, detail: String?) {
        guard let (_, relay) = relays.first(where: { $0.key.description == relayID }), relay.upstreamAttached else { return }
        journal.upstream(relay.spec, reason: reason, detail: detail)
    }

    /// The relay fails without a restart: its worker is stopped, its record stays `failed`
    /// until it is asked for again.
    public func upstreamFailed(relayID: String, reason: String) {
        guard let (key, relay) = relays.first(where: { $0.key.description == relayID }), relay.upstreamAttached,
            relay.desired, relay.failure == nil
        else { return }
        if relays[key]?.stats == nil { relays[key]?.stats = RelayStats(state: .failed) }
        relays[key]?.stats?.state = .failed
        giveUp(key, reason: reason)
        relay.worker?.send(.stop)
    }

    public func upstreamIsPublishing(relayID: String) -> Bool? {
        guard let registration = relays.first(where: { $0.key.description == relayID })?.value.ingest,
            let status = ingest?.status(relay: registration.relay)
        else { return nil }
        return status.publisher != nil
    }

    /// A direct relay's state, from its upstream: recorded like a worker's report.
    public func upstreamState(relayID: String, state: RelayState, reason: String?) {
        guard let (key, relay) = relays.first(where: { $0.key.description == relayID }), relay.upstreamAttached,
            relay.desired, relay.failure == nil, isDirect(relay.spec)
        else { return }
        var stats = relay.stats ?? RelayStats(state: state)
        stats.state = state
        stats.lastError = state == .active ? nil : reason
        relays[key]?.stats = stats
        relays[key]?.tracker.observe(state, at: .now)
        journal.observe(relay.spec, stats: stats, playback: playback(relay.spec), reason: reason)
    }
}
