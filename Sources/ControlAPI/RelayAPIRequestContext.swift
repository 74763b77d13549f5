public import Hummingbird
import Logging

/// Per-request state: the authenticated client's scope, set by `BearerAuthMiddleware`.
public struct RelayAPIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Nil for public endpoints (health, readiness, the OpenAPI document).
    public var scope: APIScope?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

/// What a token allows.
public enum APIScope: String, Sendable {
    /// Everything, stream keys included.
    case admin
    /// GET only.
    case read
}
