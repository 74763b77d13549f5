import CLinux
import Foundation
import Glibc
public import Logging
public import RelayCore
public import WorkerProtocol

/// The worker side: one relay's pipeline in its own process (DESIGN.md §2), so a crash,
/// hang or leak on hostile media stays inside one relay. Speaks `WorkerProtocol`.
public enum WorkerMain {
    /// Runs the relay its supervisor assigns, then returns the exit code. `makeLogger` is
    /// called once with the configured level.
    public static func run(_ launch: WorkerLaunch, registry: PluginRegistry, makeLogger: (String) -> Logger) -> Int32 {
        // First thing: die with the supervisor. If it already died before this call took
        // effect we have been re-parented, and must not run unsupervised.
        _ = relaygate_set_parent_death_signal(SIGKILL)
        guard getppid() == launch.supervisorPID else { return 70 }
        signal(SIGPIPE, SIG_IGN)

        let channel = MessageChannel(fd: WorkerLaunch.controlDescriptor)
        var reader = LineReader(fd: WorkerLaunch.controlDescriptor)
        try? channel.send(WorkerMessage.hello(protocol: WorkerProtocolVersion.current))
        let assignment: WorkerAssignment
        switch try? reader.next(SupervisorMessage.self) {
        case .start(WorkerProtocolVersion.current, let relay)?:
            assignment = relay
        case .start(let version, _)?:
            return refuse("the supervisor speaks protocol \(version) and this worker \(WorkerProtocolVersion.current)")
        case .stop?:
            // Stopped before it started: nothing ran, nothing to report.
            return 0
        case .outputs?, nil:
            return refuse("no start message from the supervisor")
        }
        let logger = makeLogger(assignment.logLevel)
        let ingest = assignment.ingestURL.map {
            IngestAssignment(url: $0, feed: IngestSocketFeed(fd: WorkerLaunch.ingestDescriptor))
        }
        let pipeline = RelayPipeline(
            spec: assignment.spec, registry: registry, logger: logger,
            drainTimeout: .milliseconds(assignment.drainTimeoutMs), ingest: ingest, grants: assignment.grants)

        // SIGTERM sent straight to a worker also ends its relay cleanly.
        let signals = SignalWatcher([SIGTERM, SIGINT]) { _ in pipeline.stop() }
        defer { signals.cancel() }

        let control = Thread { [reader] in
            var reader = reader
            reading: while let message = try? reader.next(SupervisorMessage.self) {
                switch message {
                case .stop: break reading
                case .outputs(let outputs, let grants): pipeline.updateOutputs(outputs, grants: grants)
                case .start: continue
                }
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
        try? channel.send(WorkerMessage.ended(RelayEnd(outcome)))
        channel.shutdown()
        if case .failed = outcome { return 1 }
        return 0
    }

    private static func refuse(_ why: String) -> Int32 {
        FileHandle.standardError.write(Data("relaygate worker: \(why)\n".utf8))
        return 70
    }
}

extension RelayEnd {
    init(_ outcome: RelayOutcome) {
        switch outcome {
        case .finished: self = .finished
        case .stopped: self = .stopped
        case .sourceGone(let reason): self = .sourceGone(reason)
        case .failed(let error): self = .failed(error)
        }
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
                try? channel.send(WorkerMessage.report(stats))
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
        try? channel.send(WorkerMessage.report(raw))
    }
}
