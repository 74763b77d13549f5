import Foundation
import Logging
import RelayCore
import Synchronization

/// One output of a relay: its sink, its bounded queue and its own thread. Whatever the
/// destination does — stall, refuse, drop us — only this runner notices.
final class SinkRunner: Sendable {
    let status: OutputStatus
    let queue: PacketQueue
    /// Raised only when a graceful close takes too long; interrupts the sink's blocking I/O.
    let abortSignal = StopSignal()
    private let makeSink: @Sendable (StopSignal) throws -> any MediaSink
    private let logger: Logger
    private let done = DispatchSemaphore(value: 0)

    init(
        name: String, queueCapacity: Int, videoStreams: Set<Int>, logger: Logger,
        makeSink: @escaping @Sendable (StopSignal) throws -> any MediaSink
    ) {
        self.status = OutputStatus(name: name)
        self.queue = PacketQueue(capacity: queueCapacity, videoStreams: videoStreams)
        self.makeSink = makeSink
        var logger = logger
        logger[metadataKey: "output"] = "\(name)"
        self.logger = logger
    }

    func start(streams: [StreamInfo], videoStreams: Set<Int>) {
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
        if done.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) == .success { return true }
        logger.warning("output did not close within \(DurationText.format(timeout)); aborting it")
        abortSignal.raise()
        queue.discardAll()
        _ = done.wait(timeout: .now() + .seconds(2))
        return false
    }

    private func run(streams: [StreamInfo], videoStreams: Set<Int>) {
        let sink: any MediaSink
        do {
            sink = try makeSink(abortSignal)
            logger.info("output connecting", metadata: ["target": "\(sink.displayName)"])
            try sink.open(streams: streams)
        } catch {
            fail(error)
            return
        }
        status.set(.active)
        logger.info("output active", metadata: ["target": "\(sink.displayName)"])
        while let packet = queue.pop() {
            do {
                try sink.write(packet)
            } catch {
                sink.abort()
                fail(error)
                return
            }
            status.counters.count(packet, isVideo: videoStreams.contains(packet.streamIndex))
            status.bytesOut.store(sink.bytesWritten, ordering: .relaxed)
        }
        if abortSignal.isRaised {
            sink.abort()
            status.set(.finished, error: "aborted: close took too long")
            return
        }
        do {
            try sink.close()
            status.bytesOut.store(sink.bytesWritten, ordering: .relaxed)
            status.set(.finished)
            logger.info("output finished", metadata: ["bytes_out": "\(sink.bytesWritten)"])
        } catch {
            fail(error)
        }
    }

    private func fail(_ error: any Error) {
        let message = Redaction.text(String(describing: error))
        queue.discardAll()
        status.set(.failed, error: message)
        logger.error("output failed: \(message)")
    }
}
