import Foundation
public import Logging
public import RelayCore
import Synchronization

/// How a relay's pipeline ended.
public enum RelayOutcome: Sendable, Equatable {
    /// The input ended (a file without `loop`).
    case finished
    /// Someone asked it to stop.
    case stopped
    /// The source stayed away for the route's whole reconnect window (`reason` says how).
    case sourceGone(String)
    case failed(RelayError)
}

/// One relay's media pipeline: source → transcoder → N sinks, in this process.
///
/// `run()` reads and transcodes on the calling thread (a worker's main thread, or the CLI's);
/// each sink has its own thread and queue. Used unchanged by `relaygate relay` and by
/// worker processes, so what ops test by hand is what the daemon runs.
public final class RelayPipeline: Sendable {
    public let spec: RelaySpec
    let registry: PluginRegistry
    let logger: Logger
    let stopSignal = StopSignal()
    /// The stop signal of a source re-opened after a gap (it was opened with its own).
    let reopenedSourceStop = Mutex<StopSignal?>(nil)
    let drainTimeout: Duration
    /// The relay's ingest endpoint, for a source that publishers push to.
    private let ingest: IngestAssignment?
    /// What the stages' companions provisioned.
    private let grants: StageGrants
    /// Each output's grant; a reload that adds an output brings its own.
    let outputGrants: Mutex<[String: [String: String]]>
    /// The outputs to run: the spec's, until a reload changes them (`updateOutputs`).
    let outputs: Mutex<[RelaySpec.Output]>
    /// The streams sinks are opened with, once the transcoder knows them.
    let sinkStreams = Mutex<(streams: [StreamInfo], video: Set<Int>)?>(nil)
    private let input = StageCounters()
    private let processing = ProcessingStatus()
    /// The source's own drop count, copied after each read (the source is not Sendable).
    private let inputDropped = Atomic<Int64>(0)
    let runners = Mutex<[SinkRunner]>([])
    private let state = Mutex<(state: RelayState, lastError: String?, startedAt: ContinuousClock.Instant?)>(
        (.pending, nil, nil))

    public init(
        spec: RelaySpec, registry: PluginRegistry, logger: Logger, drainTimeout: Duration = .seconds(5),
        ingest: IngestAssignment? = nil, grants: StageGrants = StageGrants()
    ) {
        self.spec = spec
        self.ingest = ingest
        self.grants = grants
        outputGrants = Mutex(grants.outputs)
        outputs = Mutex(spec.outputs)
        self.registry = registry
        var logger = logger
        logger[metadataKey: "route"] = "\(spec.route)"
        logger[metadataKey: "channel"] = "\(spec.channel)"
        self.logger = logger
        self.drainTimeout = drainTimeout
    }

    /// Asks the pipeline to end: the source stops reading, outputs close their sessions cleanly.
    public func stop() {
        stopSignal.raise()
        reopenedSourceStop.withLock { $0 }?.raise()
    }

    public var isStopping: Bool { stopSignal.isRaised }

    /// Raw counters now; rates come from a `StatsMeter`.
    public func snapshot() -> (stats: RelayStats, videoPackets: Int64) {
        let current = state.withLock { $0 }
        var stats = RelayStats(state: current.state)
        stats.lastError = current.lastError
        stats.processing = processing.current
        if let startedAt = current.startedAt { stats.uptimeSeconds = (ContinuousClock.now - startedAt).seconds }
        stats.input.packets = input.packets.load(ordering: .relaxed)
        stats.input.bytes = input.bytes.load(ordering: .relaxed)
        stats.input.dropped = inputDropped.load(ordering: .relaxed)
        stats.outputs = runners.withLock { $0 }.map { runner in
            let current = runner.status.current
            var output = RelayStats.Output(name: runner.status.name, state: current.state)
            output.packets = runner.status.counters.packets.load(ordering: .relaxed)
            output.bytes = runner.status.bytesOut.load(ordering: .relaxed)
            output.dropped = runner.queue.droppedCount
            output.retries = current.retries
            output.lastRetryAt = current.lastRetryAt
            output.connectedSince = current.connectedSince
            output.lastError = current.lastError
            output.errorClass = current.errorClass
            return output
        }
        return (stats, input.videoPackets.load(ordering: .relaxed))
    }

    /// Runs until the input ends, `stop()` is called, or every output has failed.
    public func run() -> RelayOutcome {
        transition(.starting)
        let outcome = runStages()
        switch outcome {
        case .finished, .stopped:
            transition(.stopped, detail: outcome == .finished ? "input ended" : "stop requested")
        case .sourceGone(let reason):
            transition(.failed, error: RelayError(.source, "source-gone: \(reason)").description)
        case .failed(let error):
            transition(.failed, error: error.description)
        }
        return outcome
    }

    private func runStages() -> RelayOutcome {
        let sourceContext = context(stop: stopSignal)
        var source: (any MediaSource)?
        let transcoder: any MediaTranscoder
        let inputStreams: [StreamInfo]
        let outputStreams: [StreamInfo]
        do {
            source = try registry.makeSource(spec.source, context: sourceContext)
            transcoder = try registry.makeTranscoder(spec.transcoder, context: sourceContext)
        } catch {
            return .failed(classify(error, default: .configuration))
        }
        defer { source?.close() }
        logger.info("opening source", metadata: ["source": "\(source?.displayName ?? "")"])
        do {
            inputStreams = try source?.open() ?? []
            outputStreams = try transcoder.open(inputs: inputStreams)
        } catch {
            if stopSignal.isRaised { return .stopped }
            return .failed(classify(error, default: .source))
        }
        guard !outputStreams.isEmpty else { return .failed(RelayError(.source, "the input has no audio or video stream")) }
        logger.info(
            "source open",
            metadata: ["streams": "\(inputStreams.map(\.summary).joined(separator: ", "))"])

        let inputVideo = Set(inputStreams.filter { $0.kind == .video }.map(\.index))
        let outputVideo = Set(outputStreams.filter { $0.kind == .video }.map(\.index))
        startSinks(streams: outputStreams, videoStreams: outputVideo)
        transition(.active)

        var outcome = RelayOutcome.finished
        var produced: [MediaPacket] = []
        produced.reserveCapacity(8)
        // A gap is measured from the last packet, so a stalled source (read timeout) is
        // bridged from where its media stopped and the output stays on the wall clock.
        var lastPacketAt = ContinuousClock.now
        readLoop: while !stopSignal.isRaised, let current = source {
            // A reload may add or remove outputs while the relay runs.
            let sinks = runners.withLock { $0 }
            var packet: MediaPacket?
            var lost: RelayError?
            do {
                packet = try current.read()
            } catch {
                lost = classify(error, default: .source)
            }
            inputDropped.store(current.droppedPackets, ordering: .relaxed)
            if packet == nil {
                if stopSignal.isRaised { break }
                // A live source that failed or ended may come back: bridge the gap.
                guard spec.reconnectWindowMs > 0, current.canReopen else {
                    if let lost { outcome = .failed(lost) }
                    break
                }
                current.close()
                source = nil
                switch bridgeGap(
                    reason: lost?.message ?? "the input ended", since: lastPacketAt, inputs: inputStreams,
                    transcoder: transcoder)
                {
                case .resumed(let reopened): source = reopened
                case .ended(let ended):
                    outcome = ended
                    break readLoop
                }
                continue
            }
            guard let packet else { break }
            lastPacketAt = .now
            input.count(packet, isVideo: inputVideo.contains(packet.streamIndex))
            produced.removeAll(keepingCapacity: true)
            do {
                try transcoder.process(packet, into: &produced)
            } catch {
                outcome = .failed(classify(error, default: .internal))
                break
            }
            for out in produced {
                for sink in sinks where sink.isStarted { sink.queue.push(out) }
            }
            if let failure = everyOutputFailed(sinks) {
                outcome = .failed(failure)
                break readLoop
            }
        }
        if stopSignal.isRaised, outcome == .finished { outcome = .stopped }
        let sinks = runners.withLock { $0 }
        switch outcome {
        case .failed, .sourceGone: break
        case .finished, .stopped:
            produced.removeAll(keepingCapacity: true)
            try? transcoder.flush(into: &produced)
            for out in produced {
                for sink in sinks where sink.isStarted { sink.queue.push(out) }
            }
        }
        transition(.stopping)
        for sink in sinks { _ = sink.finish(within: drainTimeout) }
        return outcome
    }

    /// Set when no output is left to feed.
    func everyOutputFailed(_ sinks: [SinkRunner]) -> RelayError? {
        guard sinks.allSatisfy(\.status.hasFailed) else { return nil }
        // Each output's error already names it.
        let errors = sinks.map { $0.status.current.lastError ?? "output \"\($0.status.name)\" failed" }
        return RelayError(.destination, "every output failed (\(errors.joined(separator: "; ")))")
    }

    private func startSinks(streams: [StreamInfo], videoStreams: Set<Int>) {
        // Under the lock that `updateOutputs` takes: an update either comes before (and is
        // in `outputs`) or finds the streams and adds its runners itself.
        sinkStreams.withLock { setup in
            setup = (streams, videoStreams)
            let sinks = outputs.withLock { $0 }.map { makeRunner($0, videoStreams: videoStreams) }
            runners.withLock { $0 = sinks }
            for sink in sinks where !isWaitingForGrant(sink.status.name) { sink.start(streams: streams, videoStreams: videoStreams) }
        }
    }

    func makeRunner(_ output: RelaySpec.Output, videoStreams: Set<Int>) -> SinkRunner {
        let registry = self.registry
        let base = self.context(stop: StopSignal())
        return SinkRunner(
            name: output.name, queueCapacity: spec.sinkQueuePackets, videoStreams: videoStreams, logger: logger
        ) { abortSignal, useBackup in
            var context = base
            context.stop = abortSignal
            context.useBackup = useBackup
            context.grant = self.outputGrants.withLock { $0[output.name] } ?? [:]
            return try registry.makeSink(output.sink, context: context)
        }
    }

    /// Whether output `name`'s companion has not granted it yet (`StageGrant.pending`).
    func isWaitingForGrant(_ name: String) -> Bool {
        outputGrants.withLock { $0[name]?[StageGrant.pendingKey] != nil }
    }

    func context(stop: StopSignal) -> StageContext {
        var context = StageContext(
            route: spec.route, channel: spec.channel, values: spec.values, logger: logger, stop: stop,
            processing: processing)
        context.slateImage = spec.slateImage
        context.ingest = ingest
        // The source's; each output's runner sets its own.
        context.grant = grants.source
        return context
    }

    func classify(_ error: any Error, default errorClass: RelayError.Class) -> RelayError {
        if let error = error as? RelayError { return error }
        return RelayError(errorClass, Redaction.text(String(describing: error)))
    }

    func transition(_ newState: RelayState, detail: String? = nil, error: String? = nil) {
        state.withLock {
            $0.state = newState
            if let error { $0.lastError = error }
            if newState == .active, $0.startedAt == nil { $0.startedAt = .now }
        }
        var metadata: Logger.Metadata = ["state": "\(newState.rawValue)"]
        if let detail { metadata["reason"] = "\(detail)" }
        if let error {
            logger.error("relay \(newState.rawValue): \(error)", metadata: metadata)
        } else {
            logger.info("relay \(newState.rawValue)", metadata: metadata)
        }
    }
}
