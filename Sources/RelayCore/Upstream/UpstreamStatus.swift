/// What an upstream (`SourceUpstream`) is doing for one relay, as status and metrics show it.
public struct UpstreamStatus: Sendable, Equatable, Codable {
    /// The upstream's kind, e.g. "agora-media-push".
    public var kind: String
    /// Its resource upstream (the converter id); nil before it exists.
    public var id: String?
    /// The upstream's own word for its state ("connecting", "running", "failed", "creating", …).
    public var state: String
    /// How it pushes ("raw" or "transcode" for Media Push).
    public var mode: String?
    /// Which attempt this is (1 for the first).
    public var attempt: Int
    /// The last thing that went wrong (secrets masked); nil when nothing did.
    public var lastError: String?
    /// Viewers of the channel on the upstream platform (Agora's audience count); nil: unknown.
    public var viewers: Int?

    public init(
        kind: String, id: String? = nil, state: String, mode: String? = nil, attempt: Int = 1, lastError: String? = nil,
        viewers: Int? = nil
    ) {
        self.kind = kind
        self.id = id
        self.state = state
        self.mode = mode
        self.attempt = attempt
        self.lastError = lastError
        self.viewers = viewers
    }
}
