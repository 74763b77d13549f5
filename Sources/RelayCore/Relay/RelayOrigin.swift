/// Why a relay runs: the config names it (a route with a fixed `channel`), or someone asked
/// for it through the API. A reload re-resolves the second kind against the new config.
public enum RelayOrigin: Sendable, Hashable {
    case config
    case requested(RelayRequest)
}

/// What a client asked for: a channel, optionally a route by name, and who sells on it.
public struct RelayRequest: Sendable, Hashable {
    public var channel: String
    /// Nil: the first route whose pattern matches the channel.
    public var route: String?
    public var sellerUID: String?

    public init(channel: String, route: String? = nil, sellerUID: String? = nil) {
        self.channel = channel
        self.route = route
        self.sellerUID = sellerUID
    }
}
