import Foundation
import Logging
public import RelayCore
import Synchronization

/// Outputs changed while the relay runs (a reload that changed only them, or a platform's
/// grant that came after the start): each output is its own runner, so one can be added,
/// started or removed without the others noticing.
extension RelayPipeline {
    /// Runs exactly `outputs` from now on. An output is the same when its name and sink
    /// config are; one whose config changed is closed and opened anew. New ones start at
    /// the next keyframe, with `grants` (an output still waiting for its grant starts when
    /// a later call brings it); removed ones close their sessions in the background, as at
    /// a stop.
    public func updateOutputs(_ next: [RelaySpec.Output], grants: [String: [String: String]]) {
        outputGrants.withLock { $0 = grants }
        var closing: [SinkRunner] = []
        sinkStreams.withLock { setup in
            let previous = outputs.withLock { current in
                defer { current = next }
                return current
            }
            // Not started yet: `startSinks` opens exactly `next`.
            guard let setup else { return }
            let current = runners.withLock { $0 }
            var kept: [SinkRunner] = []
            for output in next {
                let runner: SinkRunner
                if previous.contains(output), let existing = current.first(where: { $0.status.name == output.name }) {
                    runner = existing
                } else {
                    runner = makeRunner(output, videoStreams: setup.video)
                    logger.info("output added", metadata: ["output": "\(output.name)"])
                }
                if !runner.isStarted, !isWaitingForGrant(output.name) {
                    runner.queue.resyncToKeyframe()
                    runner.start(streams: setup.streams, videoStreams: setup.video)
                }
                kept.append(runner)
            }
            closing = current.filter { runner in !kept.contains { $0 === runner } }
            runners.withLock { $0 = kept }
        }
        guard !closing.isEmpty else { return }
        let drain = drainTimeout
        let thread = Thread { [logger, closing] in
            for runner in closing {
                _ = runner.finish(within: drain)
                logger.info("output removed", metadata: ["output": "\(runner.status.name)"])
            }
        }
        thread.name = "outputs-removed"
        thread.start()
    }
}
