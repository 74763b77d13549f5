import Foundation
import Logging
import RelayCore
import Synchronization

/// How a source gap ended.
enum GapEnd {
    /// A new source instance is open and the transcoder knows its streams.
    case resumed(any MediaSource)
    case ended(RelayOutcome)
}

extension RelayPipeline {
    /// Keeps the outputs connected while a lost live source is away: the transcoder feeds
    /// them filler in real time, and the source is re-opened (same config, new instance) up
    /// to `sourceRetries` times, spaced 1 s, 2 s, 4 s … (at most 10 s) apart. The relay is
    /// `reconnecting` meanwhile. The gap and the window count from `began`, the last packet.
    /// Ends when the source is back, when the window (`reconnectWindowMs`) runs out
    /// (`.sourceGone`: the supervisor does not restart such a relay), or on stop.
    func bridgeGap(
        reason: String, since began: ContinuousClock.Instant, inputs: [StreamInfo], transcoder: any MediaTranscoder
    ) -> GapEnd {
        let window = Duration.milliseconds(spec.reconnectWindowMs)
        transition(.reconnecting, detail: "source lost: \(reason)")
        var attempts = 0
        var attempt: ReopenAttempt?
        defer { attempt?.abandon() }
        var nextAttemptAt = began + .seconds(1)
        var produced: [MediaPacket] = []
        let registry = self.registry, sourceConfig = spec.source, base = context(stop: StopSignal())

        while !stopSignal.isRaised {
            let sinks = runners.withLock { $0 }
            let elapsed = ContinuousClock.now - began
            if elapsed >= window {
                return .ended(
                    .sourceGone(
                        "not back within \(DurationText.format(window)) after \(attempts) re-open attempts (\(reason))"))
            }
            produced.removeAll(keepingCapacity: true)
            do {
                try transcoder.fillGap(elapsedUs: elapsed.milliseconds * 1000, into: &produced)
            } catch {
                return .ended(.failed(classify(error, default: .internal)))
            }
            for out in produced {
                for sink in sinks where sink.isStarted { sink.queue.push(out) }
            }
            if let failure = everyOutputFailed(sinks) { return .ended(.failed(failure)) }

            if let current = attempt, let result = current.take() {
                attempt = nil
                switch result {
                case .success(let (source, streams)):
                    return resume(source, streams: streams, stop: current.stop, inputs: inputs, transcoder: transcoder, since: began)
                case .failure(let error):
                    logger.warning(
                        "source re-open \(attempts) of \(spec.sourceRetries) failed: \(classify(error, default: .source).message)")
                    nextAttemptAt = .now + .seconds(min(1 << attempts, 10))
                }
            }
            if attempt == nil, attempts < spec.sourceRetries, ContinuousClock.now >= nextAttemptAt {
                attempts += 1
                logger.info("re-opening source (attempt \(attempts) of \(spec.sourceRetries))")
                attempt = ReopenAttempt { stop in
                    var context = base
                    context.stop = stop
                    return try registry.makeSource(sourceConfig, context: context)
                }
            }
            // Filler goes out in small real-time steps (about a frame at 25 fps).
            stopSignal.sleep(for: .milliseconds(40))
        }
        return .ended(.stopped)
    }

    /// Hands the re-opened source to the read loop, once the transcoder has taken its streams.
    private func resume(
        _ source: any MediaSource, streams: [StreamInfo], stop: StopSignal, inputs: [StreamInfo],
        transcoder: any MediaTranscoder, since began: ContinuousClock.Instant
    ) -> GapEnd {
        // Stream indices and codecs are what the transcoder and the sinks were set up for.
        guard streams.map({ "\($0.kind)/\($0.codec)" }) == inputs.map({ "\($0.kind)/\($0.codec)" }) else {
            source.close()
            let summary = streams.map(\.summary).joined(separator: ", ")
            return .ended(.failed(RelayError(.source, "the source came back with different streams (\(summary))")))
        }
        let gap = ContinuousClock.now - began
        do {
            try transcoder.sourceResumed(inputs: streams, gapUs: gap.milliseconds * 1000)
        } catch {
            source.close()
            return .ended(.failed(classify(error, default: .source)))
        }
        reopenedSourceStop.withLock { $0 = stop }
        if stopSignal.isRaised { stop.raise() }
        transition(.active, detail: "source back after \(DurationText.format(gap))")
        return .resumed(source)
    }
}
