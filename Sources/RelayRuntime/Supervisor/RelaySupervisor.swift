import Foundation
public import Logging
public import RelayCore

/// Owns the relay table and carries out what each relay's `RelayLifecycle` decides: runs
/// through its executor, timers on its clock, companions' hooks, the history in the
/// recorder. It decides nothing itself; every input goes to the relay's lifecycle first.
///
/// Every event (a run's report or exit, a stop, a reload's change, a timer) is a call on
/// this actor, so the table changes in one place, one event at a time. Calls may
/// interleave at suspension points (a launch, a companion's prepare): the lifecycle's
/// generations and lives make late answers harmless.
public actor RelaySupervisor<C: Clock> where C.Duration == Duration {
    typealias Relay = ManagedRelay<C.Instant>
    typealias Lifecycle = RelayLifecycle<C.Instant>

    var relays: [RelayKey: Relay] = [:]
    var settings: SupervisorSettings
    let logger: Logger
    let clock: C
    /// Tells which relays' sources are pushed to, run externally or have companions.
    let registry: PluginRegistry
    let executor: any RelayExecutor
    /// The ingest server those relays' publishers connect to.
    let ingest: (any IngestDirectory)?
    /// Each plugin companion, by its config section.
    public nonisolated let companions: [String: any RelayCompanion]
    var journal: RelayJournal
    var gauges = RelayGauges()
    var shuttingDown = false
    /// Each relay's newest cleanup: the next life of the relay is prepared after it.
    var cleanups: [RelayKey: Task<Void, Never>] = [:]
    /// Waiting for the table to empty (shutdown).
    var emptied: [CheckedContinuation<Void, Never>] = []
    /// Where buyers watch a relay and which platform serves it (from the current config).
    var playback: @Sendable (RelaySpec) -> (url: String?, platform: String?) = { _ in (nil, nil) }

    /// `recorder` keeps what happens to relays (PostgreSQL, or nothing). Relays whose source is
    /// pushed to (per `registry`) get their endpoint at `ingest`.
    public init(
        settings: SupervisorSettings, logger: Logger, clock: C, executor: any RelayExecutor, registry: PluginRegistry,
        recorder: any RelayRecorder = DiscardingRecorder(), ingest: (any IngestDirectory)? = nil,
        companions: [String: any RelayCompanion] = [:]
    ) {
        self.settings = settings
        self.logger = logger
        self.clock = clock
        self.executor = executor
        self.registry = registry
        self.ingest = ingest
        self.companions = companions
        journal = RelayJournal(recorder: recorder)
    }

    /// How to name a relay's playback URL and platform; set again after each reload.
    public func update(playback: @escaping @Sendable (RelaySpec) -> (url: String?, platform: String?)) {
        self.playback = playback
    }

    public func update(settings: SupervisorSettings) { self.settings = settings }

    /// Whether new relays may start: false once shutdown has begun.
    public var isAcceptingRelays: Bool { !shuttingDown }

    // MARK: - Starting

    /// Starts a relay unless its channel already has one. Idempotent: the same route on the
    /// same channel gives back the running relay (`created` false). Every check and the
    /// insertion happen before the first suspension, so concurrent calls for one channel
    /// cannot both start a run, and limits cannot be overshot.
    ///
    /// A relay whose source is pushed to gets its endpoint at the ingest server before it
    /// starts: `ingestKey` is the stream key to use when its source asks for a random one
    /// (a relay resumed after a restart keeps its key); nil: a new random key.
    public func start(
        _ spec: RelaySpec, origin: RelayOrigin, routeLimit: Int? = nil, ingestKey: String? = nil
    ) async throws(StartRefusal) -> (relay: RelaySnapshot, created: Bool) {
        guard !shuttingDown else { throw .shuttingDown }
        let key = RelayKey(spec)
        if let (otherKey, other) = relays.first(where: { $0.key.channel == spec.channel }) {
            guard other.isLive else { throw .stopping }
            guard RelayKey(other.liveSpec) == key else { throw .conflict(route: other.liveSpec.route) }
            guard other.lifecycle.failure != nil, other.replacement == nil, case .failed = other.lifecycle.state else {
                return (snapshot(otherKey, other), false)
            }
            // A relay that gave up: asking again is a fresh start, with its origin kept.
            logger.notice("failed relay started again on request", metadata: meta(key))
            switch claimIngest(for: spec, keeping: other.ingest, preferredKey: ingestKey) {
            case .success(let registration): relays[key]?.ingest = registration
            case .failure(let error): throw .ingestUnavailable(error.message)
            }
            relays[key]?.stats = nil
            relays[key]?.startedAt = Date()
            if let relay = relays[key] { journal.requested(spec, origin: relay.origin, ingestKey: generatedIngestKey(relay)) }
            await handle(key) { $0.begin() }
            return (relays[key].map { snapshot(key, $0) } ?? snapshot(otherKey, other), true)
        }
        let live = relays.values.filter(\.isLive)
        if let limit = settings.maxRelays, live.count >= limit { throw .limitReached(scope: "global", limit: limit) }
        if let routeLimit, live.filter({ $0.liveSpec.route == spec.route }).count >= routeLimit {
            throw .limitReached(scope: spec.route, limit: routeLimit)
        }
        let registration: IngestRegistration?
        switch claimIngest(for: spec, keeping: nil, preferredKey: ingestKey) {
        case .success(let claimed): registration = claimed
        case .failure(let error): throw .ingestUnavailable(error.message)
        }
        insert(spec, origin: origin, ingest: registration)
        let created = snapshot(key, relays[key]!)
        await handle(key) { $0.begin() }
        return (relays[key].map { snapshot(key, $0) } ?? created, true)
    }

    /// Starts a relay the config asks for (at boot or by a reload). A source that cannot
    /// have its ingest endpoint leaves the relay failed, with the reason.
    public func startConfigured(_ spec: RelaySpec, origin: RelayOrigin) async {
        guard !shuttingDown, relays[RelayKey(spec)] == nil else { return }
        let claim = claimIngest(for: spec, keeping: nil)
        insert(spec, origin: origin, ingest: try? claim.get())
        if case .failure(let error) = claim {
            await handle(RelayKey(spec)) { $0.cannotBegin(error.message) }
            return
        }
        await handle(RelayKey(spec)) { $0.begin() }
    }

    /// Adds a relay to the table and journals that it is wanted (for boot reconciliation).
    func insert(_ spec: RelaySpec, origin: RelayOrigin, ingest registration: IngestRegistration?) {
        var relay = Relay(spec: spec, origin: origin, feed: feed(spec, origin: origin, ingest: registration))
        relay.ingest = registration
        relays[RelayKey(spec)] = relay
        journal.requested(spec, origin: origin, ingestKey: generatedIngestKey(relay))
    }

    func feed(_ spec: RelaySpec, origin: RelayOrigin, ingest: IngestRegistration?) -> Lifecycle.Feed {
        if registry.runsExternally(spec.source) { return .external }
        if ingest != nil { return .pushed(waitsForNext: origin == .config) }
        return .reads
    }

    // MARK: - Reload

    /// A reload keeps the relay but changes why it runs (a static relay took over an API one
    /// on the same route, or back): no restart, but its history says so.
    public func adopt(_ key: RelayKey, origin: RelayOrigin) {
        guard let relay = relays[key], relay.origin != origin else { return }
        relays[key]?.origin = origin
        relays[key]?.lifecycle.feed = feed(relay.spec, origin: origin, ingest: relay.ingest)
        if relay.replacement == nil, relay.isLive {
            journal.requested(relay.spec, origin: origin, ingestKey: generatedIngestKey(relay))
        }
    }

    /// A reload changed the relay at `key`: `spec` (same channel, maybe another route) takes
    /// over once its current life is over, so two runs never publish the same stream.
    public func replace(_ key: RelayKey, with spec: RelaySpec, origin: RelayOrigin) async {
        guard relays[key] != nil else { return }
        relays[key]?.replacement = (spec, origin)
        relays[key]?.stopReason = "config changed"
        let killAt = clock.now.advanced(by: settings.stopTimeout)
        await handle(key) { $0.replace(killAt: killAt) }
    }

    // MARK: - Stopping

    public func stop(_ key: RelayKey, reason: String) async {
        guard relays[key] != nil else { return }
        relays[key]?.replacement = nil
        relays[key]?.stopReason = reason
        logger.info("relay stopping", metadata: meta(key, ["reason": "\(reason)"]))
        let killAt = clock.now.advanced(by: settings.stopTimeout)
        await handle(key) { $0.stop(reason: reason, killAt: killAt) }
    }

    /// Stops the channel's relay if it was started through the API. Returns false when the
    /// channel has no relay (stopping one twice is not an error).
    public func stop(channel: String, reason: String) async throws(StopRefusal) -> Bool {
        guard let (key, relay) = relays.first(where: { $0.key.channel == channel && $0.value.isLive }) else { return false }
        if (relay.replacement?.origin ?? relay.origin) == .config { throw .configured(route: relay.liveSpec.route) }
        await stop(key, reason: reason)
        return true
    }

    /// Stops every relay gracefully; runs that overrun `stopTimeout` are killed. Returns once
    /// every relay is gone and their companions cleaned up (each cleanup bounded by
    /// `stopTimeout`), and the companions are shut down.
    public func shutdown() async {
        shuttingDown = true
        for key in relays.keys.sorted() { await stop(key, reason: "gateway shutting down") }
        if !relays.isEmpty { await withCheckedContinuation { emptied.append($0) } }
        await awaitCleanups(upTo: settings.stopTimeout)
        for section in companions.keys.sorted() { await companions[section]?.shutdown() }
    }

    func meta(_ key: RelayKey, _ extra: Logger.Metadata = [:]) -> Logger.Metadata {
        extra.merging(["route": "\(key.route)", "channel": "\(key.channel)"]) { a, _ in a }
    }
}
