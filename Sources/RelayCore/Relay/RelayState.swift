/// A relay's life (DESIGN.md §5).
public enum RelayState: String, Sendable, Codable, Hashable {
    case pending, starting, active, reconnecting, stopping, stopped, failed
}

/// One output's life.
public enum OutputState: String, Sendable, Codable, Hashable {
    case starting, active, retrying, failed, finished
}
