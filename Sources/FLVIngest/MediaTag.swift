import RelayCore

/// One media message from the publisher, parsed once: what it carries and when.
struct MediaTag {
    enum Body {
        case video(FLVVideoTag)
        case audio(FLVAudioTag)
        case metadata(StreamMetadata)
        /// A data message that is not `onMetaData`.
        case otherData
    }

    /// Milliseconds, as the publisher stamped them.
    var timestamp: Int64
    var body: Body
    /// Payload bytes, for the probe's budget.
    var size: Int

    init(_ media: IngestMedia) throws(MediaFormatError) {
        timestamp = media.timestamp
        size = media.payload.count
        switch media.kind {
        case .video: body = .video(try FLVVideoTag(media.payload))
        case .audio: body = .audio(try FLVAudioTag(media.payload))
        case .data: body = StreamMetadata(payload: media.payload).map { .metadata($0) } ?? .otherData
        }
    }

    /// The kind of stream the message belongs to; nil for data.
    var kind: StreamInfo.Kind? {
        switch body {
        case .video: .video
        case .audio: .audio
        case .metadata, .otherData: nil
        }
    }
}
