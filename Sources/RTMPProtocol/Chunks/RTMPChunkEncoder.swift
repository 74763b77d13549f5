package import NIOCore

/// Splits our outbound messages into chunks.
///
/// A chunk stream's first message gets a type 0 header. Later ones on the same message
/// stream with a timestamp that did not go backwards get type 1, or type 2 when type and
/// length repeat too. Type 3 is used only for continuation chunks: peers disagree on the
/// timestamp delta a type 3 header implies for a *new* message after a type 0 one (nginx-rtmp
/// takes zero, FFmpeg the type 0 timestamp), so that form is avoided.
///
/// A Set Chunk Size the encoder writes takes effect for every message after it, exactly as
/// the peer will read them.
package struct RTMPChunkEncoder {
    /// Payload bytes per chunk; changed only by writing a Set Chunk Size.
    package private(set) var chunkSize = RTMPChunkDecoder.defaultChunkSize
    /// The last header written on each chunk stream: the base for the next one's deltas.
    private var lastMessages: [UInt32: (streamID: UInt32, type: RTMPMessageType, length: Int, timestamp: UInt32)] = [:]

    package init() {}

    /// Writes `message` on `chunkStreamID`, which must be 2 to 65 599.
    package mutating func write(_ message: RTMPMessage, chunkStreamID: UInt32, into buffer: inout ByteBuffer) {
        precondition((2...65_599).contains(chunkStreamID), "chunk stream id \(chunkStreamID) out of range")
        let length = message.payload.readableBytes
        var header = RTMPChunkHeader(format: .full, chunkStreamID: chunkStreamID, timestamp: message.timestamp)
        header.messageLength = length
        header.messageType = message.type
        header.messageStreamID = message.streamID
        if let last = self.lastMessages[chunkStreamID], last.streamID == message.streamID, message.timestamp >= last.timestamp {
            header.timestamp = message.timestamp - last.timestamp
            header.format = last.type == message.type && last.length == length ? .timestampDelta : .sameStream
        }
        header.hasExtendedTimestamp = header.timestamp >= RTMPChunkHeader.extendedTimestampMarker
        self.lastMessages[chunkStreamID] = (message.streamID, message.type, length, message.timestamp)

        var payload = message.payload
        buffer.writeRTMPChunkHeader(header)
        var chunk = payload.readSlice(length: min(self.chunkSize, payload.readableBytes))!
        buffer.writeBuffer(&chunk)
        header.format = .continuation
        while payload.readableBytes > 0 {
            chunk = payload.readSlice(length: min(self.chunkSize, payload.readableBytes))!
            buffer.writeRTMPChunkHeader(header)
            buffer.writeBuffer(&chunk)
        }

        if message.type == .setChunkSize, let size = message.protocolControlValue {
            self.chunkSize = max(1, Int(size & 0x7FFF_FFFF))
        }
    }
}
