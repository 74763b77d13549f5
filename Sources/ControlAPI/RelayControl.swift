public import Foundation
public import RelayCore

/// What the API needs from the gateway. The composition root implements it over the
/// supervisor and the current config; the API never sees either.
public protocol RelayControl: Sendable {
    /// Starts the channel's relay, or returns the one already running on the same route
    /// (`created` false).
    func start(channel: String, sellerUID: String, route: String?) async throws(ControlError) -> (
        relay: RelayView, created: Bool
    )
    /// Stops the channel's relay; false when there was none.
    func stop(channel: String) async throws(ControlError) -> Bool
    func relay(channel: String) async -> RelayView?
    func relays() async -> [RelayView]
    /// Ready to take requests: config applied, not shutting down.
    func isReady() async -> Bool
    /// The Prometheus text exposition of every metric.
    func metricsText() async -> String
}

/// A relay as the API shows it.
public struct RelayView: Sendable {
    public enum Origin: String, Sendable { case config, api }

    /// Stable while the relay exists: "route/channel".
    public var id: String
    public var channel: String
    public var route: String
    public var sellerUID: String?
    public var origin: Origin
    public var state: RelayState
    public var health: RelayHealth
    public var startedAt: Date
    public var stats: RelayStats?
    public var restarts: Int
    public var playbackURL: String?
    /// A secret: shown to admin tokens only.
    public var streamKey: String?
    /// Where publishers push (a secret: it holds the key), for a relay whose source is pushed to;
    /// and the same over RTMPS when it is on.
    public var ingestURL: String?
    public var ingestSecureURL: String?
    public var ingest: IngestStatus?
    /// What its source's companion does for it (an upstream publishing the source): its
    /// resource, its state, the audience.
    public var upstream: CompanionStatus?
    /// What each output's companion provisioned on its platform (a live input, a channel), by
    /// output name: its resource, its state, the platform's viewer count.
    public var platforms: [String: CompanionStatus]

    public init(
        id: String, channel: String, route: String, sellerUID: String?, origin: Origin, state: RelayState,
        health: RelayHealth, startedAt: Date, stats: RelayStats?, restarts: Int, playbackURL: String?, streamKey: String?,
        ingestURL: String? = nil, ingestSecureURL: String? = nil, ingest: IngestStatus? = nil,
        upstream: CompanionStatus? = nil, platforms: [String: CompanionStatus] = [:]
    ) {
        self.upstream = upstream
        self.platforms = platforms
        self.ingestSecureURL = ingestSecureURL
        self.id = id
        self.channel = channel
        self.route = route
        self.sellerUID = sellerUID
        self.origin = origin
        self.state = state
        self.health = health
        self.startedAt = startedAt
        self.stats = stats
        self.restarts = restarts
        self.playbackURL = playbackURL
        self.streamKey = streamKey
        self.ingestURL = ingestURL
        self.ingest = ingest
    }
}

/// A refusal the client can act on; each maps to one HTTP status (see `APIError`).
public enum ControlError: Error, Sendable, Equatable {
    /// 400: a field names something that does not fit (an unknown route, say).
    case invalid(field: String, message: String)
    /// 404
    case notFound(String)
    /// 409
    case conflict(String)
    /// 429: a `max_relays` limit.
    case limitReached(String, retryAfterSeconds: Int)
    /// 503: try again shortly.
    case unavailable(String, retryAfterSeconds: Int)
}
