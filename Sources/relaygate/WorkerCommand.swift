import ArgumentParser
import RelayRuntime
import WorkerProtocol

/// Internal: one relay's pipeline, started by `relaygate run` as `WorkerLaunch` says.
struct WorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: WorkerLaunch.subcommand, abstract: "Internal: runs one relay for the supervisor.", shouldDisplay: false)

    /// Read by `WorkerLaunch`, which also writes them: the layout lives in one place.
    @Argument(parsing: .captureForPassthrough)
    var arguments: [String] = []

    func run() throws {
        guard let launch = WorkerLaunch(arguments: arguments) else {
            throw ValidationError("relaygate worker is started by relaygate run, not by hand")
        }
        let code = WorkerMain.run(launch, registry: CompiledPlugins.registry) { level in
            LogSetup.bootstrap(level: level, label: "relaygate.worker")
        }
        throw ExitCode(code)
    }
}
