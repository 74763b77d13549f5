public import RelayCore

/// The control socket (`WorkerLaunch.controlDescriptor`), one JSON object per line.
///
/// ```
/// worker                                   supervisor
///   hello(protocol)            ──▶          checks the version
///                              ◀──          start(protocol, relay)   (worker checks the version)
///   report(stats) every second ──▶
///                              ◀──          outputs(outputs, grants) (a reload changed only them)
///                              ◀──          stop                     (at any time)
///   report(stats), ended(end)  ──▶          then EOF: the worker exited
/// ```
///
/// A version mismatch (a binary replaced on disk under a running gateway) ends the worker at
/// once: each side says so, and the relay fails with that reason instead of running a
/// pipeline that misreads its orders.
public enum WorkerProtocolVersion {
    /// Bumped whenever a message, the launch layout or the ingest frame format changes.
    public static let current = 3
}

/// Supervisor → worker.
public enum SupervisorMessage: Codable, Sendable, Equatable {
    /// The answer to `hello`: what to run. The worker never reads config files.
    case start(protocol: Int, relay: WorkerAssignment)
    /// A reload changed only the relay's outputs: run exactly these from now on. Outputs
    /// not among them close their sessions; new ones open at the next keyframe, with their
    /// grants (secrets); the others are not touched.
    case outputs([RelaySpec.Output], grants: [String: [String: String]])
    /// End the relay gracefully (outputs close their sessions), then exit.
    case stop
}

/// What one worker runs.
public struct WorkerAssignment: Codable, Sendable, Equatable {
    public var spec: RelaySpec
    public var logLevel: String
    /// How long the outputs get to drain when the relay stops.
    public var drainTimeoutMs: Int64
    /// The publish URL of the relay's ingest endpoint (a secret: it holds the stream key),
    /// for a relay whose source is pushed to; its media then arrives on
    /// `WorkerLaunch.ingestDescriptor`.
    public var ingestURL: String?
    /// What companions provisioned, per stage (see `StageGrant`): secrets.
    public var grants: StageGrants

    public init(
        spec: RelaySpec, logLevel: String, drainTimeoutMs: Int64, ingestURL: String? = nil, grants: StageGrants = StageGrants()
    ) {
        self.spec = spec
        self.logLevel = logLevel
        self.drainTimeoutMs = drainTimeoutMs
        self.ingestURL = ingestURL
        self.grants = grants
    }
}

/// Worker → supervisor.
public enum WorkerMessage: Codable, Sendable, Equatable {
    /// First message: which protocol the worker speaks.
    case hello(protocol: Int)
    /// Every second and once more at the end; rates already computed.
    case report(RelayStats)
    /// Once, just before a clean exit.
    case ended(RelayEnd)
}
