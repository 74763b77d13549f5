import ArgumentParser
import Foundation
import RelayRuntime

/// Internal: one relay's pipeline, started by `relaygate run` with a socket on fd 3.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Internal: runs one relay for the supervisor.", shouldDisplay: false)

    @Option(help: "PID of the supervising process.")
    var supervisorPid: Int32

    @Option(help: "The relay this worker runs (a label for ps; the spec arrives on fd 3).")
    var relay: String = ""

    func run() throws {
        let code = WorkerMain.run(registry: CompiledPlugins.registry, supervisorPID: supervisorPid) { level in
            LogSetup.bootstrap(level: level, label: "relaygate.worker")
        }
        throw ExitCode(code)
    }
}
