import CLinux
import Foundation
import Glibc
public import Logging
public import RelayCore

/// The worker side: one relay's pipeline in its own process (DESIGN.md §2), so a crash,
/// hang or leak on hostile media stays inside one relay.
public enum WorkerMain {
    /// Runs the relay the supervisor sends on `fd` (its publishers' media, if it has an
    /// ingest endpoint, on `ingestFD`), then returns the exit code.
    /// `makeLogger` is called once with the configured level.
    public static func run(
        registry: PluginRegistry, supervisorPID: Int32, fd: Int32 = 3, ingestFD: Int32 = 4,
        makeLogger: (String) -> Logger
    ) -> Int32 {
        // First thing: die with the supervisor. If it already died before this call took
        // effect we have been re-parented, and must not run unsupervised.
        _ = relaygate_set_parent_death_signal(SIGKILL)
        guard getppid() == supervisorPID else { return 70 }
        signal(SIGPIPE, SIG_IGN)

        let channel = MessageChannel(fd: fd)
        var reader = LineReader(fd: fd)
        guard case .start(let spec, let logLevel, let drainTimeoutMs, let ingestURL)? = try? reader.next(SupervisorMessage.self)
        else {
            FileHandle.standardError.write(Data("relaygate worker: no start message from the supervisor\n".utf8))
            return 70
        }
        let logger = makeLogger(logLevel)
        let ingest = ingestURL.map { IngestAssignment(url: $0, feed: IngestSocketFeed(fd: ingestFD)) }
        let pipeline = RelayPipeline(
            spec: spec, registry: registry, logger: logger, drainTimeout: .milliseconds(drainTimeoutMs), ingest: ingest)

        // SIGTERM sent straight to a worker also ends its relay cleanly.
        let signals = SignalWatcher([SIGTERM, SIGINT]) { _ in pipeline.stop() }
        defer { signals.cancel() }

        let control = Thread { [reader] in
            var reader = reader
            while let message = try? reader.next(SupervisorMessage.self) {
                if case .stop = message { break }
            }
            // A stop request, or the supervisor went away: end the relay either way.
            pipeline.stop()
        }
        control.name = "worker-control"
        control.start()

        let reporter = StatsReporter(pipeline: pipeline, channel: channel)
        reporter.start()
        let outcome = pipeline.run()
        reporter.stop()
        try? channel.send(WorkerMessage.ended(outcome: EndedOutcome(outcome)))
        channel.shutdown()
        if case .failed = outcome { return 1 }
        return 0
    }
}

/// Sends the pipeline's stats to the supervisor once a second.
final class StatsReporter: Sendable {
    private let pipeline: RelayPipeline
    private let channel: MessageChannel
    private let stopSignal = StopSignal()
    private let finished = DispatchSemaphore(value: 0)

    init(pipeline: RelayPipeline, channel: MessageChannel) {
        self.pipeline = pipeline
        self.channel = channel
    }

    func start() {
        let thread = Thread { [self] in
            var meter = StatsMeter()
            while true {
                let (raw, video) = pipeline.snapshot()
                let stats = meter.rate(raw, videoPackets: video, at: .now)
                try? channel.send(WorkerMessage.stats(stats))
                if !stopSignal.sleep(for: .seconds(1)) { break }
            }
            finished.signal()
        }
        thread.name = "worker-stats"
        thread.start()
    }

    /// Stops reporting after one final report.
    func stop() {
        stopSignal.raise()
        finished.wait()
        let (raw, _) = pipeline.snapshot()
        try? channel.send(WorkerMessage.stats(raw))
    }
}
