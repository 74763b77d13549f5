import Foundation
import Logging
import RelayCore
import TestSupport

@testable import FLVIngest
@testable import RTMPSource

/// The source as a relay's worker makes it: options, a context with an ingest assignment
/// whose URL holds a secret key, and a log that tests can read.
enum Ingest {
    static let key = "s3cr3t-KEY-42"
    static let url = "rtmp://127.0.0.1:1935/live/\(key)"
    static let publisher = IngestPublisher(
        address: "203.0.113.7:50123", app: "live", encoder: "FMLE/3.0 (compatible; Lavf59.27.100)")

    static func source(
        _ feed: MemoryFeed, options: RTMPSourcePlugin.Options = .init(), stop: StopSignal = StopSignal(),
        log: LogLines = LogLines()
    ) throws -> any MediaSource {
        var context = StageContext(route: "sellers", channel: "42", logger: log.logger, stop: stop)
        context.ingest = IngestAssignment(url: url, feed: feed)
        return try RTMPSourcePlugin.makeSource(options: options, context: context)
    }

    /// Every packet until the source ends (nil).
    static func readAll(_ source: any MediaSource) throws -> [MediaPacket] {
        var packets: [MediaPacket] = []
        while let packet = try source.read() { packets.append(packet) }
        return packets
    }
}
