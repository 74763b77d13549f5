import NIOCore

extension RTMPMessage {
    /// The messages an aggregate message (type 22) holds, in order.
    ///
    /// An aggregate's payload is FLV tags: an 11-byte tag header (type, 24-bit size,
    /// timestamp in 24 + 8 bits, stream id), the tag body, and a 4-byte back pointer. The
    /// held messages keep the aggregate's message stream; their timestamps are shifted so
    /// that the first tag's lands on the aggregate's own, as FFmpeg and nginx-rtmp do. Their
    /// payloads are slices of the aggregate's, not copies.
    ///
    /// - Throws: `RTMPProtocolError.malformedMessage` when a tag header or body is cut off
    ///   (a missing final back pointer is tolerated).
    func aggregatedMessages() throws -> [RTMPMessage] {
        var payload = self.payload
        var messages: [RTMPMessage] = []
        var firstTagTimestamp: UInt32?
        while payload.readableBytes > 0 {
            guard let type = payload.readInteger(as: UInt8.self),
                let size = payload.readUInt24(),
                let timestamp = payload.readUInt24(),
                let timestampHigh = payload.readInteger(as: UInt8.self),
                payload.readUInt24() != nil,
                let body = payload.readSlice(length: Int(size))
            else {
                throw RTMPProtocolError.malformedMessage(type: self.type)
            }
            payload.moveReaderIndex(forwardBy: min(4, payload.readableBytes))
            let tagTimestamp = UInt32(timestampHigh) << 24 | timestamp
            let first = firstTagTimestamp ?? tagTimestamp
            firstTagTimestamp = first
            messages.append(
                RTMPMessage(
                    // The top bits of the tag type flag encryption (FLV 10.1); they are not part of the type.
                    type: RTMPMessageType(rawValue: type & 0x1F), streamID: self.streamID,
                    timestamp: self.timestamp &+ (tagTimestamp &- first), payload: body
                )
            )
        }
        return messages
    }
}
