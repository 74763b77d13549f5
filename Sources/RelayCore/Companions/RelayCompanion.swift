/// The supervisor-side half of a plugin (`CompanionPlugin`): one per gateway, built from the
/// plugin's own section of relaygate.yaml. It manages what a relay needs outside the
/// gateway — an upstream that publishes its source, a live input on a streaming platform —
/// for exactly as long as the relay lives.
///
/// A relay's *life* runs from a start (a request, the config, a reload that changed it) to
/// its end for good (stopped, removed, replaced, or given up after a crash loop). Worker
/// restarts inside a life do not end it. Per life and per stage the supervisor calls:
/// 1. `prepare` before the relay's first run (the relay waits for it);
/// 2. `status` and the `events` handed to `prepare` while it runs;
/// 3. `cleanup` once, after its last run has exited — also when `prepare` threw.
/// A later life of the same relay is prepared only after the earlier one's cleanup returned.
public protocol RelayCompanion: Sendable {
    /// Provisions what the relay's stage needs and hands it back (an output URL with its
    /// credentials, a playback URL), or starts background work for the relay and returns at
    /// once. Throwing fails the relay without a restart; the error's text is its reason.
    func prepare(_ relay: CompanionRelay, events: any CompanionEvents) async throws -> StageGrant
    /// The relay's life is over: releases everything `prepare` made. Called exactly once per
    /// `prepare`; a companion that retries must still return in bounded time.
    func cleanup(_ relay: CompanionRelay) async
    /// What it is doing for the relay's stage now (one companion may serve several outputs of
    /// a relay), for the API and metrics; nil: nothing to show. Must not block: the
    /// supervisor reads it while answering requests.
    func status(_ relay: CompanionRelay) -> CompanionStatus?
    /// The platforms whose sink plugin names this companion, by name, as the current config
    /// defines them: given before `run` and again after every reload, so the companion can
    /// reach each account it may have used (cleaning up after a gateway that died, checking
    /// a webhook's secret). Relays bring their own platform's settings in their spec.
    func configure(platforms: [String: PluginConfig]) async
    /// Runs for the gateway's life, from the moment its relays are up (boot reconciliation
    /// done) until cancelled: cleaning up after a gateway that died, periodic counts.
    /// `relays`: ids of the relays using this companion that run at that moment.
    func run(relays: Set<String>) async
    /// The gateway is stopping and every relay's cleanup has returned: close connections.
    func shutdown() async
}

extension RelayCompanion {
    public func status(_ relay: CompanionRelay) -> CompanionStatus? { nil }
    public func configure(platforms: [String: PluginConfig]) async {}
    public func run(relays: Set<String>) async {}
    public func shutdown() async {}
}

/// One relay as a companion sees it, for the stage the companion serves.
public struct CompanionRelay: Sendable {
    public enum Stage: Sendable, Hashable, CustomStringConvertible {
        case source
        /// The output of this platform name.
        case output(String)

        public var description: String {
            switch self {
            case .source: "source"
            case .output(let name): "output \(name)"
            }
        }
    }

    /// `route/channel`.
    public var id: String
    public var spec: RelaySpec
    public var stage: Stage
    /// Whose stream the relay carries: the seller's uid from the request or the webhook that
    /// started it; nil when it was not started for a seller.
    public var sellerUID: String?
    /// Where the relay's publishers push, for a source that is pushed to: the ingest server's
    /// URL plus the relay's app and key (a secret). Nil otherwise.
    public var ingestURL: String?

    public init(id: String, spec: RelaySpec, stage: Stage, sellerUID: String? = nil, ingestURL: String? = nil) {
        self.id = id
        self.spec = spec
        self.stage = stage
        self.sellerUID = sellerUID
        self.ingestURL = ingestURL
    }
}

/// What `prepare` provisioned for a stage. It reaches the relay's worker with the spec (in the
/// stage's `StageContext.grant`) and never the config, the database or a log line.
public struct StageGrant: Sendable, Codable, Hashable {
    /// Values for the stage's plugin, e.g. `url` with a stream key in it: secrets.
    public var values: [String: String]
    /// Where buyers watch, for an output whose platform decides it (replaces the platform's
    /// configured `playback_url`).
    public var playbackURL: String?

    public init(values: [String: String] = [:], playbackURL: String? = nil) {
        self.values = values
        self.playbackURL = playbackURL
    }

    public static let none = StageGrant()
}

/// Every stage's `StageGrant.values` of one relay life, as they travel to its worker.
public struct StageGrants: Codable, Sendable, Equatable {
    public var source: [String: String]
    /// By output (platform) name.
    public var outputs: [String: [String: String]]

    public init(source: [String: String] = [:], outputs: [String: [String: String]] = [:]) {
        self.source = source
        self.outputs = outputs
    }
}

extension StageGrant {
    /// The key of `refused`'s reason in `values`.
    public static let refusalKey = "refused"

    /// An output whose platform resource cannot be had (the platform refused the account's
    /// credentials, say): its sink fails at once saying `reason`, while the relay and its
    /// other outputs go on. Throwing from `prepare` instead would fail the whole relay.
    public static func refused(_ reason: String) -> StageGrant { StageGrant(values: [refusalKey: reason]) }

    /// The key of `pending`'s description in `values`.
    public static let pendingKey = "pending"

    /// An output whose platform resource is still being made (`what`, e.g. "creating a live
    /// input"): the relay starts without it, and the output opens when the companion sends
    /// its grant (`CompanionEvents.granted`). Its platform's trouble delays no other output.
    public static func pending(_ what: String) -> StageGrant { StageGrant(values: [pendingKey: what]) }

    public var isPending: Bool { values[Self.pendingKey] != nil }
}

extension StageContext {
    /// The value `key` of the stage's grant; throws the refusal's reason for a refused grant
    /// (see `StageGrant.refused`), and an internal error when the companion granted no `key`.
    public func granted(_ key: String, by platform: String) throws -> String {
        if let reason = grant[StageGrant.refusalKey] { throw RelayError(.configuration, reason) }
        guard let value = grant[key] else { throw RelayError(.internal, "\(platform): its companion granted no \(key)") }
        return value
    }
}
