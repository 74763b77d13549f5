/// The global settings the supervisor acts on (from relaygate.yaml).
public struct SupervisorSettings: Sendable, Equatable {
    public var logLevel: String
    public var statsInterval: Duration
    /// How long a relay gets to close its outputs cleanly before its worker is killed.
    public var stopTimeout: Duration
    /// Pause before a relay whose worker ended is started again.
    public var restartDelay: Duration
    /// The binary that runs workers (`/proc/self/exe`: the very binary that is running).
    public var executable: String
    /// Most relays running at once; `start` refuses beyond it. Static relays always start.
    public var maxRelays: Int?

    public init(
        logLevel: String = "info", statsInterval: Duration = .seconds(10), stopTimeout: Duration = .seconds(10),
        restartDelay: Duration = .seconds(1), executable: String = "/proc/self/exe", maxRelays: Int? = nil
    ) {
        self.logLevel = logLevel
        self.statsInterval = statsInterval
        self.stopTimeout = stopTimeout
        self.restartDelay = restartDelay
        self.executable = executable
        self.maxRelays = maxRelays
    }
}
