import ArgumentParser
import Foundation
import Glibc
import Logging
import RelayConfig
import RelayCore
import RelayRuntime

/// `relaygate relay IN OUT…`: one relay in the foreground, no config, through the same
/// pipeline code the daemon's workers run. Ops' quick test and the benchmark entry point.
struct RelayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Relay one input to one or more RTMP outputs in the foreground.",
        discussion: """
            INPUT_URL is rtmp://, rtmps://, srt://, http:// or https://, or a path to a local file.
            Other protocols (file:, concat:, pipe:, subfile:, …) are refused before anything is opened.
            """)

    @Argument(help: "The input: a remote URL or a local file path.")
    var inputURL: String

    @Argument(help: "One or more rtmp:// or rtmps:// destinations.")
    var outputURLs: [String]

    @Option(help: "Profile: passthrough, 1080p, 720p, 480p or auto (copy when the source already fits 1080p).")
    var profile: String = "passthrough"

    @Option(help: "Stop after this long (e.g. 30s, 5m). Default: until the input ends or a signal.")
    var duration: String?

    @Option(help: "Read a file input at its own pace, like ffmpeg -re (default: on for files).")
    var realtime: Bool?

    @Flag(help: "Loop a file input forever.")
    var loop = false

    @Option(help: "PEM file of the CAs rtmps:// outputs trust instead of the system CA store.")
    var caFile: String?

    @Option(help: "Log level: \(LogSetup.levels.joined(separator: ", ")).")
    var logLevel: String = "info"

    @Option(help: "How often to log stats.")
    var statsInterval: String = "5s"

    func validate() throws {
        guard LogSetup.levels.contains(logLevel) else {
            throw ValidationError("--log-level must be one of: \(LogSetup.levels.joined(separator: ", "))")
        }
        if let duration, DurationText.parse(duration) == nil {
            throw ValidationError("--duration must be a duration like 30s or 5m, got \"\(duration)\"")
        }
        guard DurationText.parse(statsInterval).map({ $0 > .zero }) == true else {
            throw ValidationError("--stats-interval must be a duration like 5s, got \"\(statsInterval)\"")
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let spec: RelaySpec
        do {
            spec = try AdHocRelay(
                input: inputURL, outputs: outputURLs, profile: profile, realtime: realtime, loop: loop, caFile: caFile
            ).spec(registry: CompiledPlugins.registry)
        } catch {
            for diagnostic in error.diagnostics { printError("relaygate relay: \(diagnostic.message)") }
            throw ExitCode(2)
        }
        let logger = LogSetup.bootstrap(level: logLevel)
        let pipeline = RelayPipeline(spec: spec, registry: CompiledPlugins.registry, logger: logger)

        let signals = SignalWatcher([SIGINT, SIGTERM]) { _ in pipeline.stop() }
        defer { signals.cancel() }
        if let limit = duration.flatMap(DurationText.parse) {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(limit.milliseconds))) {
                pipeline.stop()
            }
        }
        let interval = DurationText.parse(statsInterval) ?? .seconds(5)
        let reporter = Thread {
            var meter = StatsMeter()
            while !pipeline.isStopping {
                Thread.sleep(forTimeInterval: interval.seconds)
                let (raw, video) = pipeline.snapshot()
                let stats = meter.rate(raw, videoPackets: video, at: .now)
                guard stats.state == .active else { continue }
                logger.info("relay stats \(StatsLine.format(stats, restarts: 0))")
            }
        }
        reporter.start()

        switch pipeline.run() {
        case .finished, .stopped:
            return
        case .failed, .sourceGone:
            throw ExitCode(1)
        }
    }
}
