/// What the gateway's ingest server tells a relay's worker about the media pushed to it.
/// The supervisor speaks the protocol (handshake, chunks, commands); the worker gets the
/// publisher's media messages untouched, so hostile media is only ever parsed in the worker.
public enum IngestMessage: Sendable, Equatable {
    /// A publisher started publishing on the relay's key. Media follows: when a worker
    /// attaches to a live publisher, first the publisher's latest metadata and codec
    /// configuration (sequence headers), then media from the next video keyframe.
    case publish(IngestPublisher)
    /// One RTMP media message as the publisher sent it.
    case media(IngestMedia)
    /// Messages the ingest server dropped since the last media because the relay fell
    /// behind; media resumes at a video keyframe.
    case dropped(count: Int)
    /// The publisher is gone (disconnected, unpublished, replaced): its media has ended.
    case unpublish(reason: String)
}

/// Who publishes: safe to log (no key, no query).
public struct IngestPublisher: Sendable, Equatable, Codable {
    /// `ip:port` of the publisher.
    public var address: String
    public var app: String
    /// The client's `flashVer` from `connect` (e.g. `FMLE/3.0 (compatible; Lavf59.27.100)`).
    public var encoder: String?

    public init(address: String, app: String, encoder: String? = nil) {
        self.address = address
        self.app = app
        self.encoder = encoder
    }
}

/// One RTMP audio, video or data message: an FLV tag body and its timestamp.
public struct IngestMedia: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        /// RTMP message type 8: an FLV audio tag body.
        case audio = 8
        /// RTMP message type 9: an FLV video tag body.
        case video = 9
        /// RTMP message type 18: AMF0 data (`@setDataFrame`/`onMetaData`).
        case data = 18
    }

    public var kind: Kind
    /// Milliseconds, as the publisher stamped it, with 32-bit wraparound undone.
    public var timestamp: Int64
    public var payload: [UInt8]

    public init(kind: Kind, timestamp: Int64, payload: [UInt8]) {
        self.kind = kind
        self.timestamp = timestamp
        self.payload = payload
    }
}
