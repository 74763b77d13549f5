import ArgumentParser
import Glibc
import RelayConfig

/// `relaygate reload`: checks the config directory like `validate`, then asks the running
/// gateway to reload (SIGHUP). An invalid config is reported here and not signalled, though
/// the gateway would refuse it anyway and keep its running config.
struct ReloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload", abstract: "Validate the config and make the running gateway reload it.")

    @Option(name: .shortAndLong, help: "Config directory (relaygate.yaml and conf.d/).")
    var config: String = "/etc/relaygate"

    @Option(help: "Pid file written by `relaygate run --pid-file`.")
    var pidFile: String = PidFile.defaultPath

    func run() throws {
        do {
            _ = try ConfigLoader(registry: CompiledPlugins.registry).load(directory: config)
        } catch {
            printErrors(error)
            printError("not reloading: the running gateway keeps its configuration")
            throw ExitCode(1)
        }
        do {
            let pid = try PidFile.read(pidFile)
            guard PidFile.isGateway(pid) else {
                throw PidFile.Failure(description: "process \(pid) from \(pidFile) is not a running relaygate")
            }
            guard kill(pid, SIGHUP) == 0 else {
                throw PidFile.Failure(description: "cannot signal process \(pid): \(String(cString: strerror(errno)))")
            }
            print("relaygate (pid \(pid)) is reloading \(config); its log says what changed")
        } catch let failure as PidFile.Failure {
            printError("relaygate reload: \(failure)")
            throw ExitCode(1)
        }
    }
}
