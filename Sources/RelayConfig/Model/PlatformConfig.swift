public import RelayCore

/// A named destination that routes list in `outputs:`.
public struct PlatformConfig: Sendable, Equatable {
    public var name: String
    public var sink: PluginConfig
    /// Where buyers watch what this platform receives (may hold `{channel}` variables).
    public var playbackURL: String?
    /// Where it was defined. Not part of equality.
    public var location: SourceLocation?

    public init(name: String, sink: PluginConfig, playbackURL: String? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.sink = sink
        self.playbackURL = playbackURL
        self.location = location
    }

    public static func == (lhs: PlatformConfig, rhs: PlatformConfig) -> Bool {
        lhs.name == rhs.name && lhs.sink == rhs.sink && lhs.playbackURL == rhs.playbackURL
    }
}
