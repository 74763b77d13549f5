import Foundation
import Glibc
import Logging
import PassthroughTranscoder
import RelayConfig
import RelayCore
import RelayDaemon
import RelayRuntime
import RTMPSink
import WorkerProtocol

/// A gateway binary for tests: relaygate's daemon and worker with the probe plugins
/// compiled in (`probe` source and sink, and their companion), so a test can watch a
/// companion's hooks through real worker processes, crash loops and SIGTERM.
///
///     relaygate-probe run --config DIR [--pid-file FILE]
///     relaygate-probe worker …   (started by the daemon, as relaygate's are)
let registry = PluginRegistry(
    sources: [ProbeSourcePlugin.self], transcoders: [PassthroughPlugin.self], sinks: [ProbeSinkPlugin.self, RTMPSinkPlugin.self])

func bootstrapLogging(_ level: String, label: String) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardError(label: label)
        handler.logLevel = Logger.Level(rawValue: level) ?? .info
        return handler
    }
    return Logger(label: label)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == WorkerLaunch.subcommand {
    guard let launch = WorkerLaunch(arguments: arguments) else { exit(64) }
    exit(WorkerMain.run(launch, registry: registry) { bootstrapLogging($0, label: "relaygate.worker") })
}
/// `--name value` pairs after `run`.
let options = Dictionary(
    stride(from: 1, to: arguments.count - 1, by: 2).map { (arguments[$0], arguments[$0 + 1]) }) { first, _ in first }
guard arguments.first == "run", arguments.count % 2 == 1, let directory = options["--config"] else {
    FileHandle.standardError.write(Data("usage: relaygate-probe run --config DIR [--pid-file FILE]\n".utf8))
    exit(64)
}
// As `relaygate run` does, so `relaygate reload` could find it.
if let pidFile = options["--pid-file"] { try? "\(getpid())\n".write(toFile: pidFile, atomically: true, encoding: .utf8) }
signal(SIGPIPE, SIG_IGN)
let loader = ConfigLoader(registry: registry)
let config: GatewayConfig
do {
    config = try loader.load(directory: directory)
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let logger = bootstrapLogging(config.settings.logLevel, label: "relaygate")
do {
    try await GatewayDaemon(config: config, loader: loader, directory: directory, logger: logger).run()
    logger.notice("relaygate stopped")
} catch {
    logger.notice("relaygate stopped: \(error)")
    exit(1)
}
