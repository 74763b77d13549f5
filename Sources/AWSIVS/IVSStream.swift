public import Foundation

/// A live stream as GetStream reports it.
public struct IVSStream: Sendable, Equatable {
    public var channelArn: String
    public var streamId: String
    public var playbackUrl: String
    public var startTime: Date?
    public var health: IVSStreamHealth
    /// Concurrent views; nil when IVS could not count in time (it answered -1 on every try).
    /// A view appears within about 15 s and is removed within about a minute.
    public var viewerCount: Int?
}

/// What GetStream found: a live stream, or none (IVS answers ChannelNotBroadcasting).
public enum IVSStreamStatus: Sendable, Equatable {
    case live(IVSStream)
    case offline

    public var stream: IVSStream? {
        if case .live(let stream) = self { stream } else { nil }
    }
}

/// GetStream's wire form; `viewerCount` -1 means the count timed out.
struct IVSStreamReply: Decodable {
    struct Stream: Decodable {
        var channelArn: String
        var streamId: String?
        var playbackUrl: String?
        var startTime: String?
        var state: String?
        var health: IVSStreamHealth?
        var viewerCount: Int?
    }

    var stream: Stream

    var status: IVSStreamStatus {
        // The model says not to rely on OFFLINE (an offline channel answers an error instead),
        // but should it come, it means the same.
        if stream.state == "OFFLINE" { return .offline }
        let count = stream.viewerCount.flatMap { $0 < 0 ? nil : $0 }
        return .live(
            IVSStream(
                channelArn: stream.channelArn, streamId: stream.streamId ?? "", playbackUrl: stream.playbackUrl ?? "",
                startTime: stream.startTime.flatMap(Self.parseDate), health: stream.health ?? .unknown, viewerCount: count))
    }

    var countTimedOut: Bool { stream.state != "OFFLINE" && (stream.viewerCount ?? 0) < 0 }

    /// restJson1 timestamps are ISO 8601, with or without fractional seconds.
    static func parseDate(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }
}
