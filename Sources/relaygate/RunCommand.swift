import ArgumentParser
import Glibc
import Logging
import RelayConfig
import RelayDaemon

/// `relaygate run`: the daemon. Starts the config's static relays, each in its own worker
/// process; SIGHUP reloads (all or nothing), SIGTERM/SIGINT stop every relay cleanly.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the gateway.")

    @Option(name: .shortAndLong, help: "Config directory (relaygate.yaml and conf.d/).")
    var config: String = "/etc/relaygate"

    @Option(help: "Write the gateway's pid here (for `relaygate reload`); removed at exit.")
    var pidFile: String?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let loader = ConfigLoader(registry: CompiledPlugins.registry)
        let initial: GatewayConfig
        do {
            initial = try loader.load(directory: config)
        } catch {
            printErrors(error)
            throw ExitCode(1)
        }
        let logger = LogSetup.bootstrap(level: initial.settings.logLevel)
        if let pidFile {
            do { try PidFile.write(pidFile) } catch {
                logger.critical("\(error)")
                throw ExitCode(1)
            }
        }
        defer { if let pidFile { PidFile.remove(pidFile) } }
        logger.info(
            "relaygate \(Relaygate.version) starting",
            metadata: ["config": "\(config)", "routes": "\(initial.routes.count)", "pid": "\(getpid())"])
        do {
            try await GatewayDaemon(config: initial, loader: loader, directory: config, logger: logger).run()
        } catch {
            logger.notice("relaygate stopped: \(error)")
            throw ExitCode(1)
        }
        logger.notice("relaygate stopped")
    }
}
