import Foundation
import Logging
import RelayCore
import TestSupport
import Testing

@testable import FLVIngest
@testable import RTMPSource

/// The source as a relay's worker makes it: options, a context with an ingest assignment
/// whose URL holds a secret key, and a log that tests can read.
enum Ingest {
    static let key = "s3cr3t-KEY-42"
    static let url = "rtmp://127.0.0.1:1935/live/\(key)"
    static let publisher = IngestPublisher(
        address: "203.0.113.7:50123", app: "live", encoder: "FMLE/3.0 (compatible; Lavf59.27.100)")

    /// With `clock`, the source times its publish timeout and probe on it (give the feed the
    /// same clock).
    static func source(
        _ feed: MemoryFeed, options: RTMPSourcePlugin.Options = .init(), stop: StopSignal = StopSignal(),
        log: LogLines = LogLines(), clock: ManualClock? = nil
    ) throws -> any MediaSource {
        var context = StageContext(route: "sellers", channel: "42", logger: log.logger, stop: stop)
        let ingest = IngestAssignment(url: url, feed: feed)
        context.ingest = ingest
        if let clock {
            return RTMPSource(
                publishTimeout: .milliseconds(options.publishTimeoutMs), ingest: ingest, context: context, clock: clock)
        }
        return try RTMPSourcePlugin.makeSource(options: options, context: context)
    }

    /// Moves `clock` on poll by poll up to `end`: before each step the source must be asleep
    /// on the feed until exactly the next poll, and `call` must not have returned.
    static func poll<T: Sendable>(
        _ clock: ManualClock, to end: Duration, during call: BackgroundCall<T>,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        var next = clock.now + RTMPSource.pollInterval
        while next <= end {
            #expect(clock.waitForSleeper() == next, sourceLocation: sourceLocation)
            #expect(!call.isFinished, "returned before \(next)", sourceLocation: sourceLocation)
            clock.advance(to: next)
            next += RTMPSource.pollInterval
        }
    }

    /// Every packet until the source ends (nil).
    static func readAll(_ source: any MediaSource) throws -> [MediaPacket] {
        var packets: [MediaPacket] = []
        while let packet = try source.read() { packets.append(packet) }
        return packets
    }
}
