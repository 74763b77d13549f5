/// What a plugin's companion is doing for one relay (an upstream push being created, a live
/// input provisioned on a platform), as the API and metrics show it.
public struct CompanionStatus: Sendable, Equatable, Codable {
    /// What it manages, in its plugin's words, e.g. a kind of push or of live input.
    public var kind: String
    /// Its resource at the service it manages (a converter or live input id); nil before it exists.
    public var id: String?
    /// The service's own word for the resource's state ("creating", "running", "failed", …).
    public var state: String
    /// How it works for this relay, when it has modes.
    public var mode: String?
    /// Which attempt this is (1 for the first).
    public var attempt: Int
    /// The last thing that went wrong (secrets masked); nil when nothing did.
    public var lastError: String?
    /// The channel's audience as the service counts it; nil: not counted.
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
