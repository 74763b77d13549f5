import NIOCore

/// What the decoder remembers of one inbound chunk stream: the header fields later chunks
/// may omit, and the message being reassembled on it.
struct RTMPChunkStream {
    /// Absolute timestamp of the stream's current (or last) message.
    var timestamp: UInt32
    /// Added to `timestamp` for a new message whose header carries no timestamp of its own
    /// (type 3). After a type 0 header it is that header's timestamp, as the specification
    /// says and FFmpeg's sender assumes.
    var timestampDelta: UInt32
    /// Whether the last type 0 to 2 header used the extended field, so type 3 chunks carry it.
    var hasExtendedTimestamp: Bool
    var messageLength: Int
    var messageType: RTMPMessageType
    var messageStreamID: UInt32
    /// The bytes of the message being reassembled, grown chunk by chunk (never reserved up
    /// front from the declared length); `nil` between messages.
    var partialMessage: ByteBuffer?

    init(header: RTMPChunkHeader) {
        self.timestamp = header.timestamp
        self.timestampDelta = header.timestamp
        self.hasExtendedTimestamp = header.hasExtendedTimestamp
        self.messageLength = header.messageLength
        self.messageType = header.messageType
        self.messageStreamID = header.messageStreamID
    }

    /// Takes in the header of a chunk that starts a new message.
    mutating func startMessage(with header: RTMPChunkHeader) {
        switch header.format {
        case .full:
            self = RTMPChunkStream(header: header)
        case .sameStream:
            self.messageLength = header.messageLength
            self.messageType = header.messageType
            self.applyDelta(of: header)
        case .timestampDelta:
            self.applyDelta(of: header)
        case .continuation:
            // Its only possible field, the extended one, is the delta of this new message.
            if header.hasExtendedTimestamp {
                self.timestampDelta = header.timestamp
            }
            self.timestamp &+= self.timestampDelta
        }
        self.partialMessage = ByteBuffer()
    }

    private mutating func applyDelta(of header: RTMPChunkHeader) {
        self.timestampDelta = header.timestamp
        self.hasExtendedTimestamp = header.hasExtendedTimestamp
        self.timestamp &+= header.timestamp
    }
}
