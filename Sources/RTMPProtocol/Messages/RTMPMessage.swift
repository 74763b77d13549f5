package import NIOCore

/// One whole RTMP message, reassembled from its chunks or about to be split into them.
package struct RTMPMessage: Sendable, Hashable {
    package var type: RTMPMessageType
    /// The message stream: 0 for the connection itself, the id from `createStream` otherwise.
    package var streamID: UInt32
    /// Milliseconds, absolute on the sender's clock (32 bits, wrapping).
    package var timestamp: UInt32
    package var payload: ByteBuffer

    package init(type: RTMPMessageType, streamID: UInt32 = 0, timestamp: UInt32 = 0, payload: ByteBuffer) {
        self.type = type
        self.streamID = streamID
        self.timestamp = timestamp
        self.payload = payload
    }
}
