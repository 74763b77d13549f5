public import RelayCore

/// The global settings the supervisor acts on (from relaygate.yaml).
public struct SupervisorSettings: Sendable, Equatable {
    public var logLevel: String
    public var statsInterval: Duration
    /// How long a relay gets to close its outputs cleanly before its worker is killed.
    public var stopTimeout: Duration
    /// How a relay of a route not in `routeRestart` is restarted when its worker ends.
    public var restart: RestartPolicy
    /// Each route's restart policy, by route name; read at each failure, so a reload that
    /// changes only a policy applies it without restarting anything.
    public var routeRestart: [String: RestartPolicy]
    /// Most relays running at once; `start` refuses beyond it. Static relays always start.
    public var maxRelays: Int?

    public init(
        logLevel: String = "info", statsInterval: Duration = .seconds(10), stopTimeout: Duration = .seconds(10),
        restart: RestartPolicy = RestartPolicy(), routeRestart: [String: RestartPolicy] = [:],
        maxRelays: Int? = nil
    ) {
        self.logLevel = logLevel
        self.statsInterval = statsInterval
        self.stopTimeout = stopTimeout
        self.restart = restart
        self.routeRestart = routeRestart
        self.maxRelays = maxRelays
    }

    func restartPolicy(route: String) -> RestartPolicy { routeRestart[route] ?? restart }
}
