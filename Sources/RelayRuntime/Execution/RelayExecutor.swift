public import RelayCore
public import WorkerProtocol

/// Where a relay's runs execute. Today every run is a worker process (`WorkerExecutor`);
/// the lifecycle only sees runs and their events, so a relay could as well run inside the
/// gateway without the lifecycle changing.
public protocol RelayExecutor: Sendable {
    /// Starts one run. Its events go to `deliver` one at a time, in the order the run sent
    /// them, each awaited before the next, and `.exited` last: so a run's final report is
    /// always handled before its exit. Throws when the run cannot start at all.
    func launch(_ request: RunRequest, deliver: @escaping @Sendable (RunEvent) async -> Void) async throws
        -> any RelayRun
}

/// One run, as its supervisor holds it.
public protocol RelayRun: Sendable {
    /// Its process, for CPU and memory readings; nil when it has none of its own.
    var pid: Int32? { get }
    /// Ends the relay gracefully; `.exited` follows.
    func stop()
    /// Ends it now; `.exited` follows.
    func kill()
    /// Runs exactly `outputs` from now on, the others untouched (see
    /// `SupervisorMessage.outputs`); false when this run cannot (the relay is then restarted).
    func update(outputs: [RelaySpec.Output], grants: [String: [String: String]]) -> Bool
}

extension RelayRun {
    public func update(outputs: [RelaySpec.Output], grants: [String: [String: String]]) -> Bool { false }
}

/// What one run needs.
public struct RunRequest: Sendable {
    /// `route/channel`.
    public var relayID: String
    public var generation: Int
    public var assignment: WorkerAssignment
    /// Its endpoint at the ingest server, for a source that is pushed to: the executor
    /// connects the run to it.
    public var ingest: IngestRegistration?

    public init(relayID: String, generation: Int, assignment: WorkerAssignment, ingest: IngestRegistration?) {
        self.relayID = relayID
        self.generation = generation
        self.assignment = assignment
        self.ingest = ingest
    }
}

/// What a run tells, in order.
public enum RunEvent: Sendable, Equatable {
    /// It speaks our protocol and has its orders.
    case ready
    case report(RelayStats)
    /// How it ended, just before exiting (absent when it died).
    case ended(RelayEnd)
    /// It is gone; `exit` describes how (an exit code, a signal).
    case exited(String)
}
