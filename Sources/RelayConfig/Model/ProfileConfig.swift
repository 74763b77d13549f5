public import RelayCore

/// A named transcoder setup that routes refer to with `profile:`.
public struct ProfileConfig: Sendable, Equatable {
    /// Always available unless conf.d defines a profile with this name (which then wins).
    public static let builtInName = "passthrough"

    public var name: String
    public var transcoder: PluginConfig
    /// Where it was defined; nil for the built-in profile. Not part of equality.
    public var location: SourceLocation?

    public init(name: String, transcoder: PluginConfig, location: SourceLocation? = nil) {
        self.name = name
        self.transcoder = transcoder
        self.location = location
    }

    public static func == (lhs: ProfileConfig, rhs: ProfileConfig) -> Bool {
        lhs.name == rhs.name && lhs.transcoder == rhs.transcoder
    }
}
