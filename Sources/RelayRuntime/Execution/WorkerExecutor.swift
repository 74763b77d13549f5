import Foundation
import Glibc
public import RelayCore
import WorkerProtocol

/// Runs each relay run in a worker process of its own (DESIGN.md §2): the gateway's binary
/// started as `WorkerLaunch` says. A crash, hang or leak on hostile media stays in that
/// process; the supervisor sees it as the run's exit.
///
/// One thread per worker reads its control socket and, at EOF, reaps it; everything it
/// reads goes through one ordered stream to the supervisor, so the worker's last report
/// and its `ended` always arrive before its exit.
public struct WorkerExecutor: RelayExecutor {
    /// The binary that runs workers (`/proc/self/exe`: the very binary that is running).
    let executable: String
    /// Where runs of relays that are pushed to get their publishers' media.
    let ingest: (any IngestDirectory)?

    public init(executable: String = "/proc/self/exe", ingest: (any IngestDirectory)?) {
        self.executable = executable
        self.ingest = ingest
    }

    public func launch(_ request: RunRequest, deliver: @escaping @Sendable (RunEvent) async -> Void) async throws
        -> any RelayRun
    {
        let launch = WorkerLaunch(supervisorPID: getpid(), relay: request.relayID)
        let registration = ingest == nil ? nil : request.ingest
        let spawned = try await WorkerSpawner.shared.spawn(
            executable: executable, arguments: launch.arguments, ingest: registration != nil)
        let worker = WorkerProcess(pid: spawned.pid, channel: spawned.channel)
        if let registration, let fd = spawned.ingestFD {
            // Before `start`: the directory replays the live publisher's headers first.
            ingest?.attach(relay: registration.relay, descriptor: fd)
        }
        let (events, continuation) = AsyncStream<RunEvent>.makeStream()
        let monitor = Thread { [ingest] in
            Self.monitor(worker, pid: spawned.pid, channel: spawned.channel, assignment: request.assignment, into: continuation)
            // The run is over: media waits at the ingest server until the next run attaches.
            if let registration { ingest?.detach(relay: registration.relay) }
            continuation.yield(.exited(WorkerExit.reap(spawned.pid).description))
            continuation.finish()
        }
        monitor.name = "worker-\(spawned.pid)"
        monitor.start()
        Task {
            for await event in events { await deliver(event) }
        }
        return worker
    }

    /// Reads the worker's messages until its socket closes (it exited or died): answers its
    /// `hello` with its orders, and passes on the rest.
    private static func monitor(
        _ worker: WorkerProcess, pid: pid_t, channel: MessageChannel, assignment: WorkerAssignment,
        into events: AsyncStream<RunEvent>.Continuation
    ) {
        var reader = LineReader(fd: channel.fd)
        var greeted = false
        while let line = reader.next() {
            // A message we cannot decode is the worker's bug; keep reading.
            guard let message = try? JSONDecoder().decode(WorkerMessage.self, from: Data(line)) else { continue }
            switch message {
            case .hello(let version):
                guard !greeted else { continue }
                greeted = true
                guard version == WorkerProtocolVersion.current else {
                    events.yield(.ended(.failed(RelayError(.internal, mismatch(worker: version)))))
                    worker.kill()
                    continue
                }
                worker.send(.start(protocol: WorkerProtocolVersion.current, relay: assignment))
                events.yield(.ready)
            case .report(let stats):
                events.yield(.report(stats))
            case .ended(let end):
                events.yield(.ended(end))
            }
        }
        channel.close()
    }

    static func mismatch(worker: Int) -> String {
        "the worker speaks protocol \(worker) and this gateway \(WorkerProtocolVersion.current); restart relaygate"
    }
}
