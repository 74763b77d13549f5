/// What relaygate writes into a live input's `meta`, so that after a crash the inputs it
/// made can be told apart from everyone else's (by listing) and deleted.
public struct RelayTag: Sendable, Hashable {
    /// The seller's channel.
    public var channel: String
    /// The config route the relay came from.
    public var route: String

    public static let channelKey = "relaygate_channel"
    public static let routeKey = "relaygate_route"

    public init(channel: String, route: String) {
        self.channel = channel
        self.route = route
    }

    /// Nil unless `meta` carries both keys.
    public init?(meta: [String: String]) {
        guard let channel = meta[Self.channelKey], let route = meta[Self.routeKey] else { return nil }
        self.init(channel: channel, route: route)
    }

    /// The tag's keys, plus `name`, which the dashboard shows for the input.
    public var meta: [String: String] {
        [Self.channelKey: channel, Self.routeKey: route, "name": "relaygate \(route): \(channel)"]
    }
}
