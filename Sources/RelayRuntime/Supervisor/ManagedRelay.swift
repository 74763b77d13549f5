import Foundation
import RelayCore

/// One row of the supervisor's table: a relay's lifecycle and what carrying out its actions
/// needs (the running run's handle, its timers, its companions for this life).
struct ManagedRelay<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    var spec: RelaySpec
    var origin: RelayOrigin
    var lifecycle: RelayLifecycle<Instant>
    /// When this relay was started (a reload that changes it starts it anew).
    var startedAt = Date()
    /// The current run's last report; nil until its first one.
    var stats: RelayStats?
    /// The outputs' total drops in the report before `stats`: health compares the two.
    var droppedBefore: Int64 = 0
    var restarts = 0
    /// Its ingest endpoint, for a source that publishers push to. Kept across runs and
    /// unchanged reloads, so a publisher stays connected.
    var ingest: IngestRegistration?
    /// The current run's handle, once its launch returned.
    var run: (generation: Int, handle: any RelayRun)?
    /// Set by a reload that changed the relay: it takes over once the current life is over.
    var replacement: (spec: RelaySpec, origin: RelayOrigin)?
    /// Why it was asked to stop, for the log.
    var stopReason: String?
    /// This life's number: companion events of an older life are ignored.
    var life = 0
    /// This life's companions, one per stage that has one.
    var companions: [CompanionBinding] = []
    /// What they provisioned this life.
    var grants = StageGrants()
    /// An output companion's playback URL, which outranks the platform's configured one.
    var grantedPlaybackURL: String?
    var timers: [LifecycleTimer: Task<Void, Never>] = [:]

    init(spec: RelaySpec, origin: RelayOrigin, feed: RelayLifecycle<Instant>.Feed) {
        self.spec = spec
        self.origin = origin
        lifecycle = RelayLifecycle(feed: feed)
    }

    var key: RelayKey { RelayKey(spec) }

    /// Running or about to run again (a reload's replacement counts).
    var isLive: Bool { lifecycle.isLive }

    /// What runs (or will, once the replacement starts).
    var liveSpec: RelaySpec { replacement?.spec ?? spec }

    /// Whose stream it carries, for companions.
    var sellerUID: String? {
        if case .requested(let request) = origin { return request.sellerUID }
        return nil
    }
}

/// A companion serving one stage of one relay life.
struct CompanionBinding: Sendable {
    var relay: CompanionRelay
    var companion: any RelayCompanion
}
