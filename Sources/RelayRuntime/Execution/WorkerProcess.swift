import Foundation
import Glibc
import RelayCore

/// How a worker process ended.
public struct WorkerExit: Sendable, Equatable, CustomStringConvertible {
    public var code: Int32?
    public var signal: Int32?

    public var description: String {
        if let signal { return "killed by signal \(signal)" }
        return "exit code \(code ?? -1)"
    }
}

/// The supervisor's handle on one worker: its pid, its socket, and a monitor thread that
/// reports every message and, the moment the socket closes, the process's exit status.
final class WorkerProcess: Sendable {
    let pid: pid_t
    private let channel: MessageChannel

    private init(pid: pid_t, channel: MessageChannel) {
        self.pid = pid
        self.channel = channel
    }

    /// Starts a worker. With `ingest`, the worker also gets an ingest socket as its fd 4;
    /// `ingestFD` is the supervisor's end, which the caller must hand on or close.
    static func spawn(
        executable: String, arguments: [String], ingest: Bool = false,
        onMessage: @escaping @Sendable (WorkerMessage) -> Void,
        onExit: @escaping @Sendable (WorkerExit) -> Void
    ) async throws -> (worker: WorkerProcess, ingestFD: Int32?) {
        let spawned = try await WorkerSpawner.shared.spawn(executable: executable, arguments: arguments, ingest: ingest)
        let (pid, channel) = (spawned.pid, spawned.channel)
        let worker = WorkerProcess(pid: pid, channel: channel)
        let thread = Thread {
            var reader = LineReader(fd: channel.fd)
            while let line = reader.next() {
                // A message we cannot decode is the worker's bug; keep reading.
                if let message = try? JSONDecoder().decode(WorkerMessage.self, from: Data(line)) { onMessage(message) }
            }
            // EOF: the worker closed its end, which it does only by exiting (or dying).
            channel.close()
            onExit(Self.reap(pid))
        }
        thread.name = "worker-\(pid)"
        thread.start()
        return (worker, spawned.ingestFD)
    }

    func send(_ message: SupervisorMessage) {
        // A failed send means the worker is gone; the monitor thread reports that.
        try? channel.send(message)
    }

    func kill(_ signal: Int32 = SIGKILL) {
        _ = Glibc.kill(pid, signal)
    }

    private static func reap(_ pid: pid_t) -> WorkerExit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return WorkerExit(code: nil, signal: nil) }
        }
        // WIFEXITED / WTERMSIG are macros; decode the status word by hand.
        let termSignal = status & 0x7f
        if termSignal == 0 { return WorkerExit(code: (status >> 8) & 0xff, signal: nil) }
        return WorkerExit(code: nil, signal: termSignal)
    }
}
