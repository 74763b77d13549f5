public import Foundation
public import RelayCore

/// One relay as the supervisor sees it at one moment: what the API and `/metrics` show.
public struct RelaySnapshot: Sendable {
    public var spec: RelaySpec
    public var origin: RelayOrigin
    public var state: RelayState
    public var health: RelayHealth
    /// The worker's last report; nil until its first one.
    public var stats: RelayStats?
    public var restarts: Int
    /// The running worker's pid; nil between workers.
    public var pid: Int32?
    /// When this relay was started (a reload that changes it starts it anew).
    public var startedAt: Date
    /// What its source's companion is doing for it (an upstream publishing the source, say);
    /// nil when the source has none.
    public var upstream: CompanionStatus?
    /// Each output's companion, by output name, for outputs that have one.
    public var outputCompanions: [String: CompanionStatus] = [:]
    /// Where buyers watch, when an output's companion provisioned it (it outranks the
    /// platform's configured URL).
    public var grantedPlaybackURL: String?
    /// For a relay whose source is pushed to: where, and its publisher now.
    public var ingest: Ingest?

    public struct Ingest: Sendable {
        /// `rtmp://host:port/app/key`: a secret (it holds the stream key).
        public var url: String
        /// The same over RTMPS, when it is on.
        public var secureURL: String?
        public var status: IngestStatus
    }

    /// Running or about to run again; false while it stops for good.
    public var isLive = true
    /// A reload's replacement waits for it to stop.
    public var isBeingReplaced = false

    public var key: RelayKey { RelayKey(spec) }
}

/// Why `RelaySupervisor.start(_:origin:routeLimit:)` refused.
public enum StartRefusal: Error, Sendable, Equatable {
    /// The channel is already relayed by another route.
    case conflict(route: String)
    /// `max_relays` reached: `scope` is "global" or the route's name.
    case limitReached(scope: String, limit: Int)
    /// The channel's relay is still stopping; try again in a moment.
    case stopping
    case shuttingDown
    /// The relay's source needs an ingest endpoint it cannot have (its key is taken, or no
    /// ingest server runs).
    case ingestUnavailable(String)
}

/// Why `RelaySupervisor.stop(channel:reason:)` refused.
public enum StopRefusal: Error, Sendable, Equatable {
    /// The relay comes from the config (a route's fixed `channel`); the API cannot remove it.
    case configured(route: String)
}
