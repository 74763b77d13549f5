public import Foundation

/// One fact about a relay worth keeping: the supervisor reports these, a recorder keeps them
/// (PostgreSQL, or nowhere). Times are wall-clock: they end up in the database.
public struct RelayRecord: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        /// The relay became active: buyers can watch at `playbackURL` (the first output's).
        case started(playbackURL: String?, platform: String?)
        /// Where buyers watch became known after the relay started (an output's platform
        /// provisioned it late): the channel's playback URL is updated.
        case playback(url: String, platform: String?)
        /// Any state change, with why (`reason`) and what went wrong (`detail`, secrets masked).
        case transition(from: RelayState?, to: RelayState, reason: String?, detail: String?)
        /// A periodic sample while the relay runs, with each output's status at that moment.
        /// `viewers`: the channel's audience on the seller's platform, when a companion counts it;
        /// `hlsViewers`: buyers watching on the outputs' platforms, summed over the outputs whose
        /// companions count them (nil: none does).
        case metrics(
            bitrateKbps: Double, fps: Double, health: RelayHealth, outputs: [RelayStats.Output] = [], viewers: Int? = nil,
            hlsViewers: Int? = nil)
        /// Something a companion did or met for the relay (see `RelayCompanion`), kept in its
        /// history: a retry with its backoff, an upstream push recreated. `state`: the
        /// relay's state then.
        case upstream(state: RelayState, reason: String, detail: String?)
        /// The relay ended for good (stopped on request, or removed by a reload).
        case stopped(reason: String)
        /// The relay is wanted on this channel (kept so a restarted gateway can resume it):
        /// `fromConfig` for a route's fixed channel, else started through the API with
        /// `requestedRoute` (nil: the first matching route) for seller `sellerUID`.
        /// `ingestKey`: the stream key the gateway made up for it (a secret), so a restart
        /// keeps it.
        case requested(requestedRoute: String?, sellerUID: String?, fromConfig: Bool, ingestKey: String? = nil)
        /// A crash loop: the supervisor gave up restarting the relay (`reason` says why).
        case failed(reason: String)
    }

    public var channel: String
    /// The channel's row id in the backend's `channels` table: the route pattern's
    /// `channelId` capture when it is an integer (`seller_{channelId}` → 42 for "seller_42").
    public var channelID: Int64?
    public var route: String
    public var time: Date
    public var event: Event

    public init(channel: String, channelID: Int64?, route: String, time: Date = Date(), event: Event) {
        self.channel = channel
        self.channelID = channelID
        self.route = route
        self.time = time
        self.event = event
    }
}

/// Keeps `RelayRecord`s. Must return quickly and never block the caller (the supervisor's
/// actor): a durable recorder queues and writes on its own thread.
public protocol RelayRecorder: Sendable {
    func record(_ record: RelayRecord)
}

/// Keeps nothing: a gateway without a database.
public struct DiscardingRecorder: RelayRecorder {
    public init() {}
    public func record(_ record: RelayRecord) {}
}
