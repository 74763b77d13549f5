/// How a worker process is started: the gateway's own binary, its `worker` subcommand with
/// these arguments, and two inherited descriptors. The spec itself comes over the control
/// socket, never the command line (it holds secrets, and `ps` shows argv to everyone).
public struct WorkerLaunch: Sendable, Equatable {
    /// The subcommand that runs a worker.
    public static let subcommand = "worker"
    /// The control socket: `ControlMessages` both ways.
    public static let controlDescriptor: Int32 = 3
    /// The ingest socket, for a relay whose source is pushed to: `IngestFrame`s from the
    /// ingest server. Absent (closed) otherwise.
    public static let ingestDescriptor: Int32 = 4

    /// The supervisor's pid: the worker dies with it and refuses to run under another parent.
    public var supervisorPID: Int32
    /// The relay it runs (`route/channel`): a label for `ps` and /proc only.
    public var relay: String

    public init(supervisorPID: Int32, relay: String) {
        self.supervisorPID = supervisorPID
        self.relay = relay
    }

    /// argv after the binary's path.
    public var arguments: [String] {
        [Self.subcommand, "--supervisor-pid", "\(supervisorPID)", "--relay", relay]
    }

    /// Reads what `arguments` wrote (after the subcommand); nil for anything else.
    public init?(arguments: some Collection<String>) {
        var pid: Int32?
        var relay = ""
        var rest = Array(arguments)[...]
        if rest.first == Self.subcommand { rest = rest.dropFirst() }
        while let name = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            switch name {
            case "--supervisor-pid": pid = Int32(value)
            case "--relay": relay = value
            default: return nil
            }
        }
        guard let pid, pid > 1 else { return nil }
        self.init(supervisorPID: pid, relay: relay)
    }
}
