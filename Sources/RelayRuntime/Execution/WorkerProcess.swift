import Foundation
import Glibc
import RelayCore
import WorkerProtocol

/// How a worker process ended.
struct WorkerExit: Sendable, Equatable, CustomStringConvertible {
    var code: Int32?
    var signal: Int32?

    var description: String {
        if let signal { return "killed by signal \(signal)" }
        return "exit code \(code ?? -1)"
    }

    /// Waits for `pid` (it has closed its control socket, so it is exiting) and decodes its
    /// status word by hand: WIFEXITED and WTERMSIG are macros Swift does not import.
    static func reap(_ pid: pid_t) -> WorkerExit {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return WorkerExit(code: nil, signal: nil) }
        }
        let termSignal = status & 0x7f
        if termSignal == 0 { return WorkerExit(code: (status >> 8) & 0xff, signal: nil) }
        return WorkerExit(code: nil, signal: termSignal)
    }
}

/// One worker process, as its supervisor holds it: its pid and its control socket.
final class WorkerProcess: RelayRun {
    let pid: Int32?
    private let channel: MessageChannel

    init(pid: pid_t, channel: MessageChannel) {
        self.pid = pid
        self.channel = channel
    }

    func send(_ message: SupervisorMessage) {
        // A failed send means the worker is gone; its monitor reports that.
        try? channel.send(message)
    }

    func stop() { send(.stop) }

    func update(outputs: [RelaySpec.Output], grants: [String: [String: String]]) -> Bool {
        send(.outputs(outputs, grants: grants))
        return true
    }

    func kill() {
        if let pid { _ = Glibc.kill(pid, SIGKILL) }
    }
}
