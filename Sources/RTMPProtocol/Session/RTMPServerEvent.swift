package import NIOCore

/// What `RTMPServerHandler` passes on (inbound) to the handler after it: the session's
/// events, protocol details already handled.
package enum RTMPServerEvent: Sendable {
    /// The peer connected to an application (its `connect` was answered with success).
    case connected(RTMPConnectInfo)
    /// The peer asks to publish. Answer by writing `RTMPServerCommand.acceptPublish` or
    /// `.rejectPublish` to the pipeline; media before the answer is dropped.
    case publishRequested(RTMPPublishRequest)
    /// An audio, video or data message on the publishing stream (aggregate messages are
    /// passed on as the messages they hold).
    case media(RTMPMediaMessage)
    /// The peer stopped publishing (FCUnpublish, closeStream or deleteStream). The
    /// connection may stay open; a closed connection is `channelInactive` instead.
    case unpublished
}

/// What the handler after `RTMPServerHandler` writes (outbound) to answer a publish request.
package enum RTMPServerCommand: Sendable {
    /// Sends Stream Begin and `onStatus` `NetStream.Publish.Start`; media events follow.
    case acceptPublish
    /// Sends `onStatus` with level `error`, `code` and `description`, then closes the
    /// connection once that is flushed.
    case rejectPublish(code: String, description: String)
}

/// From the peer's `connect` command.
package struct RTMPConnectInfo: Sendable, Equatable {
    /// The application, without any `?query`.
    package var app: String
    /// As sent; may hold credentials in its query, so never log it unmasked.
    package var tcUrl: String?
    /// The client's `flashVer` (e.g. `FMLE/3.0 (compatible; Lavf59.27.100)`).
    package var flashVer: String?

    package init(app: String, tcUrl: String? = nil, flashVer: String? = nil) {
        self.app = app
        self.tcUrl = tcUrl
        self.flashVer = flashVer
    }
}

/// From the peer's `publish` command.
package struct RTMPPublishRequest: Sendable, Equatable {
    /// The application from `connect`.
    package var app: String
    /// The stream name before any `?`: the stream key. A secret; never log it.
    package var streamName: String
    /// What followed `?` in the stream name (nginx-rtmp passes it on as arguments).
    package var query: String?
    /// `live`, `record` or `append`, as sent.
    package var publishType: String?

    package init(app: String, streamName: String, query: String? = nil, publishType: String? = nil) {
        self.app = app
        self.streamName = streamName
        self.query = query
        self.publishType = publishType
    }
}

/// One audio, video or data message: an FLV tag body with its timestamp.
package struct RTMPMediaMessage: Sendable, Equatable {
    package enum Kind: UInt8, Sendable {
        /// Message type 8.
        case audio = 8
        /// Message type 9.
        case video = 9
        /// Message type 18 (AMF0 data), or 15 (AMF3 data) with its leading format byte removed.
        case data = 18
    }

    package var kind: Kind
    /// Milliseconds, absolute, as the peer's chunk headers add up (32 bits, wrapping).
    package var timestamp: UInt32
    package var payload: ByteBuffer

    package init(kind: Kind, timestamp: UInt32, payload: ByteBuffer) {
        self.kind = kind
        self.timestamp = timestamp
        self.payload = payload
    }
}
