import ArgumentParser
import Foundation
import Glibc
import Logging
import RelayConfig
import RelayCore
import RelayRuntime

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
        let signals = SignalStream.make([SIGTERM, SIGINT, SIGHUP])
        logger.info(
            "relaygate \(Relaygate.version) starting",
            metadata: ["config": "\(config)", "routes": "\(initial.routes.count)", "pid": "\(getpid())"])

        let supervisor = RelaySupervisor(settings: Self.settings(initial), logger: logger)
        await supervisor.apply(Self.staticRelays(initial))
        let statsTask = Task { await supervisor.logStatsPeriodically() }
        for await number in signals {
            if number == SIGHUP {
                do {
                    let next = try loader.load(directory: config)
                    await supervisor.update(settings: Self.settings(next))
                    await supervisor.apply(Self.staticRelays(next))
                    logger.notice("configuration reloaded", metadata: ["routes": "\(next.routes.count)"])
                } catch {
                    for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
                    logger.error("reload rejected: configuration is not valid; the running configuration stays")
                }
                continue
            }
            logger.notice("received signal \(number); stopping every relay")
            break
        }
        statsTask.cancel()
        await supervisor.shutdown()
        logger.notice("relaygate stopped")
    }

    static func settings(_ config: GatewayConfig) -> SupervisorSettings {
        SupervisorSettings(
            logLevel: config.settings.logLevel, statsInterval: config.settings.statsInterval,
            stopTimeout: config.settings.stopTimeout, restartDelay: config.settings.restartDelay)
    }

    static func staticRelays(_ config: GatewayConfig) -> [RelaySpec] {
        config.staticRoutes.compactMap { route in
            route.channel.map { config.relaySpec(for: route, channel: $0) }
        }
    }
}
