/// Which stage of a pipeline a plugin fills.
public enum PluginKind: String, Sendable, Codable, Hashable {
    case source, transcoder, sink
}

/// One configured plugin instance: its type and its validated options as canonical JSON.
/// Canonical (sorted keys) so two configs compare equal exactly when their options do,
/// which is what reload needs to decide between keeping and restarting a relay.
public struct PluginConfig: Sendable, Codable, Hashable {
    public var kind: PluginKind
    public var type: String
    public var options: String

    public init(kind: PluginKind, type: String, options: String) {
        self.kind = kind
        self.type = type
        self.options = options
    }
}
