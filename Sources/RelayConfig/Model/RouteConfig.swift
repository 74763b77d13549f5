public import RelayCore

/// A route: which channels it serves, where it reads, how it transcodes, where it writes.
public struct RouteConfig: Sendable, Equatable {
    public var name: String
    /// A fixed channel: the relay is started at boot.
    public var channel: String?
    /// Channels this route serves when a relay is asked for (API, or a companion's webhook).
    public var match: RoutePattern?
    public var source: PluginConfig
    /// A profile name; `passthrough` when not given.
    public var profile: String
    /// Platform names, at least one, no repeats.
    public var outputs: [String]
    /// Most relays of this route running at once; nil: only the global `max_relays` applies.
    public var maxRelays: Int?
    /// How its relays are restarted when their worker dies (`restart:`, defaults filled in).
    public var restart: RestartPolicy
    /// How long a lost live source may stay away (slate and silence meanwhile); 0: off.
    public var reconnectWindow: Duration
    /// Re-open attempts for a lost source within the window.
    public var sourceRetries: Int
    /// Absolute path of a PNG or JPEG shown while the source is away.
    public var slateImage: String?
    /// Where it was defined. Not part of equality.
    public var location: SourceLocation?

    public init(
        name: String, channel: String? = nil, match: RoutePattern? = nil, source: PluginConfig,
        profile: String = ProfileConfig.builtInName, outputs: [String], maxRelays: Int? = nil,
        restart: RestartPolicy = RestartPolicy(), reconnectWindow: Duration = .seconds(60), sourceRetries: Int = 3,
        slateImage: String? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.channel = channel
        self.match = match
        self.source = source
        self.profile = profile
        self.outputs = outputs
        self.maxRelays = maxRelays
        self.restart = restart
        self.reconnectWindow = reconnectWindow
        self.sourceRetries = sourceRetries
        self.slateImage = slateImage
        self.location = location
    }

    public static func == (lhs: RouteConfig, rhs: RouteConfig) -> Bool {
        lhs.name == rhs.name && lhs.channel == rhs.channel && lhs.match == rhs.match && lhs.source == rhs.source
            && lhs.profile == rhs.profile && lhs.outputs == rhs.outputs
            && lhs.maxRelays == rhs.maxRelays && lhs.restart == rhs.restart
            && lhs.reconnectWindow == rhs.reconnectWindow && lhs.sourceRetries == rhs.sourceRetries
            && lhs.slateImage == rhs.slateImage
    }
}
