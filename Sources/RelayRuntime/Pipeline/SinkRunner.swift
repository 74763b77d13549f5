import Foundation
import Logging
import RelayCore
import Synchronization

/// One output of a relay: its sink, its bounded queue and its own thread. Whatever the
/// destination does — stall, refuse, drop us — only this runner notices, and only this
/// output retries or fails (see `OutputPolicy`). The queue outlives the sink sessions.
final class SinkRunner: Sendable {
    let status: OutputStatus
    let queue: PacketQueue
    /// Raised only when a graceful close takes too long; interrupts the sink's blocking I/O.
    let abortSignal = StopSignal()
    /// Makes a fresh sink for each connection attempt; the flag selects the backup destination.
    private let makeSink: @Sendable (StopSignal, Bool) throws -> any MediaSink
    private let logger: Logger
    private let done = DispatchSemaphore(value: 0)

    /// A session must deliver this long (open to the last write that moved bytes) to end an
    /// outage: one the platform drops right after the publish, or that stalls at once, does
    /// not reset the give-up clock, so such a platform still gets the output failed in time.
    static let workingSession: Duration = .seconds(2)
    /// Pause between fail-fast attempts: short, so a refused key fails well within 5 s.
    static let failFastPause: Duration = .milliseconds(500)

    init(
        name: String, queueCapacity: Int, videoStreams: Set<Int>, logger: Logger,
        makeSink: @escaping @Sendable (StopSignal, Bool) throws -> any MediaSink
    ) {
        self.status = OutputStatus(name: name)
        self.queue = PacketQueue(capacity: queueCapacity, videoStreams: videoStreams)
        self.makeSink = makeSink
        var logger = logger
        logger[metadataKey: "output"] = "\(name)"
        self.logger = logger
    }

    /// False until `start`: an output waiting for its platform's grant gets no packets.
    var isStarted: Bool { started.load(ordering: .acquiring) }
    private let started = Atomic<Bool>(false)

    func start(streams: [StreamInfo], videoStreams: Set<Int>) {
        started.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            run(streams: streams, videoStreams: videoStreams)
            done.signal()
        }
        thread.name = "sink-\(status.name)"
        thread.start()
    }

    /// Lets the sink drain its queue and end its session; returns false if it did not
    /// finish within `timeout` (it is then aborted).
    func finish(within timeout: Duration) -> Bool {
        queue.close()
        // Never started (its grant never came): nothing to drain.
        guard isStarted else {
            status.set(.finished)
            return true
        }
        if done.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) == .success { return true }
        logger.warning("output did not close within \(DurationText.format(timeout)); aborting it")
        abortSignal.raise()
        queue.discardAll()
        _ = done.wait(timeout: .now() + .seconds(2))
        return false
    }

    /// How one session ended.
    private enum SessionEnd {
        /// The queue was closed and drained (or the close was aborted): the output is done.
        case finished
        /// Never got a session up.
        case refused(any Error)
        /// A session broke after delivering media for `delivered` (open to last write that
        /// moved bytes).
        case dropped(any Error, delivered: Duration)
        /// The backup session was closed cleanly to go back to the primary destination;
        /// `keyframe` is the first packet for the next session.
        case returnToPrimary(keyframe: MediaPacket)
    }

    private func run(streams: [StreamInfo], videoStreams: Set<Int>) {
        var policy: OutputPolicy?
        var useBackup = false
        var refusals = 0
        /// Whether a destination ever accepted a session (publish included): until then a
        /// refusal counts towards fail-fast.
        var everOpened = false
        /// When the current outage began.
        var downSince: ContinuousClock.Instant?
        var backoff = Duration.zero
        var isRetry = false
        var first: MediaPacket?
        while true {
            if isRetry { status.countRetry() }
            isRetry = true
            let end = session(streams: streams, videoStreams: videoStreams, useBackup: useBackup, first: first) {
                policy = $0
            }
            first = nil
            let rules = policy ?? OutputPolicy()
            let error: any Error
            switch end {
            case .finished:
                return
            case .returnToPrimary(let keyframe):
                // Not a failure: the backup worked. If the primary is still down, the refusal
                // below sends the output back to the backup at once.
                logger.info("output returning to its primary destination")
                everOpened = true
                useBackup = false
                downSince = nil
                isRetry = false
                first = keyframe
                continue
            case .refused(let refused) where !everOpened:
                // Never accepted at all: a bad URL or key fails fast instead of hammering the platform.
                refusals += 1
                guard refusals < rules.failFastAttempts else { return fail(refusal(refused)) }
                if rules.hasBackup { useBackup.toggle() }
                retrying(after: refused, pause: Self.failFastPause)
                if queue.waitUntilClosed(timeout: Self.failFastPause) { return finishWithoutSession() }
                continue
            case .dropped(let dropped, let delivered) where downSince == nil || delivered >= Self.workingSession:
                // A working session broke: a new outage begins.
                everOpened = true
                error = dropped
                downSince = .now
                backoff = rules.backoff
            case .refused(let failed), .dropped(let failed, _):
                // The outage goes on (or, back from the backup, a new one begins).
                error = failed
                if downSince == nil {
                    // Only after returning to the primary: it is still down, so back to the
                    // backup without a pause.
                    downSince = .now
                    backoff = .zero
                } else {
                    backoff = min(max(backoff * 2, rules.backoff), rules.maxBackoff)
                }
            }
            let down = ContinuousClock.now - (downSince ?? .now)
            guard down < rules.giveUpAfter else { return fail(classified(error), giveUp: rules.giveUpAfter) }
            // Jitter spreads the reconnects of many relays to one platform after its outage.
            let pause = min(backoff * Double.random(in: 0.8...1.2), rules.giveUpAfter - down)
            if rules.hasBackup { useBackup.toggle() }
            retrying(after: error, pause: pause)
            if queue.waitUntilClosed(timeout: pause) { return finishWithoutSession() }
            // A new session needs a keyframe to start from.
            queue.resyncToKeyframe()
        }
    }

    /// One connection to the destination, from open to failure or the end of the queue.
    /// Reports the sink's policy as soon as the sink exists.
    private func session(
        streams: [StreamInfo], videoStreams: Set<Int>, useBackup: Bool, first: MediaPacket?,
        policy: (OutputPolicy) -> Void
    ) -> SessionEnd {
        let sink: any MediaSink
        do {
            sink = try makeSink(abortSignal, useBackup)
            policy(sink.policy)
            logger.info("output connecting", metadata: ["target": "\(sink.displayName)"])
            try sink.open(streams: streams)
        } catch {
            if abortSignal.isRaised { return finishAborted() }
            return .refused(error)
        }
        status.set(.active)
        logger.info("output active", metadata: ["target": "\(sink.displayName)"])
        // bytesOut adds up over sessions; each new sink counts from zero.
        let bytesBefore = status.bytesOut.load(ordering: .relaxed)
        let openedAt = ContinuousClock.now
        var lastProgress = openedAt
        var sessionBytes = sink.bytesWritten
        let returnAfter = useBackup ? sink.policy.returnToPrimaryAfter : nil
        var next = first
        while let packet = next ?? queue.pop() {
            next = nil
            if let returnAfter, ContinuousClock.now - openedAt >= returnAfter, isResumePoint(packet, videoStreams) {
                // Switch where the primary's new session can start: at this keyframe.
                do { try sink.close() } catch { logger.info("closing the backup session: \(classified(error).message)") }
                status.bytesOut.store(bytesBefore + sink.bytesWritten, ordering: .relaxed)
                return .returnToPrimary(keyframe: packet)
            }
            do {
                try sink.write(packet)
            } catch {
                status.bytesOut.store(bytesBefore + sink.bytesWritten, ordering: .relaxed)
                sink.abort()
                if abortSignal.isRaised { return finishAborted() }
                return .dropped(error, delivered: lastProgress - openedAt)
            }
            status.counters.count(packet, isVideo: videoStreams.contains(packet.streamIndex))
            if sink.bytesWritten > sessionBytes {
                sessionBytes = sink.bytesWritten
                lastProgress = .now
            }
            status.bytesOut.store(bytesBefore + sessionBytes, ordering: .relaxed)
        }
        if abortSignal.isRaised {
            sink.abort()
            return finishAborted()
        }
        do {
            try sink.close()
            status.bytesOut.store(bytesBefore + sink.bytesWritten, ordering: .relaxed)
            status.set(.finished)
            logger.info("output finished", metadata: ["bytes_out": "\(status.bytesOut.load(ordering: .relaxed))"])
        } catch {
            fail(classified(error))
        }
        return .finished
    }

    private func isResumePoint(_ packet: MediaPacket, _ videoStreams: Set<Int>) -> Bool {
        packet.isKeyframe && (videoStreams.isEmpty || videoStreams.contains(packet.streamIndex))
    }

    private func finishAborted() -> SessionEnd {
        status.set(.finished, error: RelayError(.internal, "aborted: close took too long"))
        return .finished
    }

    /// The relay stopped while this output was between attempts.
    private func finishWithoutSession() {
        status.set(.finished)
        logger.info("output finished while reconnecting")
    }

    private func retrying(after error: any Error, pause: Duration) {
        let error = named(classified(error))
        status.set(.retrying, error: error)
        logger.warning("output retrying in \(DurationText.format(pause)): \(error.message)")
    }

    /// A first connection that never got through: the destination's fault unless we say otherwise.
    private func refusal(_ error: any Error) -> RelayError {
        let error = classified(error)
        guard error.errorClass == .destination else { return error }
        return RelayError(.destination, "destination refused the stream: \(error.message)")
    }

    private func classified(_ error: any Error) -> RelayError {
        if let error = error as? RelayError { return RelayError(error.errorClass, Redaction.text(error.message)) }
        return RelayError(.internal, Redaction.text(String(describing: error)))
    }

    /// Errors an operator sees say which output they are about.
    private func named(_ error: RelayError) -> RelayError {
        RelayError(error.errorClass, "output \"\(status.name)\": \(error.message)")
    }

    private func fail(_ error: RelayError, giveUp: Duration? = nil) {
        var error = error
        if let giveUp, giveUp > .zero { error.message = "gave up after \(DurationText.format(giveUp)): \(error.message)" }
        error = named(error)
        queue.discardAll()
        status.set(.failed, error: error)
        logger.error("output failed: \(error.description)")
    }
}
