import NIOCore

extension RTMPMessage {
    /// Set Chunk Size (type 1): the sender's chunk size from now on.
    package static func setChunkSize(_ size: Int) -> Self {
        .protocolControl(.setChunkSize, UInt32(clamping: size) & 0x7FFF_FFFF)
    }

    /// Acknowledgement (type 3): `sequenceNumber` bytes received so far (wrapping).
    package static func acknowledgement(_ sequenceNumber: UInt32) -> Self {
        .protocolControl(.acknowledgement, sequenceNumber)
    }

    /// Window Acknowledgement Size (type 5): acknowledge every `size` bytes.
    package static func windowAcknowledgementSize(_ size: UInt32) -> Self {
        .protocolControl(.windowAcknowledgementSize, size)
    }

    /// Set Peer Bandwidth (type 6) with limit type 2, dynamic: what servers send after
    /// `connect`.
    package static func setPeerBandwidth(_ size: UInt32) -> Self {
        var message = Self.protocolControl(.setPeerBandwidth, size)
        message.payload.writeInteger(2 as UInt8)
        return message
    }

    /// The 32-bit value that protocol control messages of types 1, 2, 3, 5 and 6 start with.
    package var protocolControlValue: UInt32? {
        self.payload.getInteger(at: self.payload.readerIndex, as: UInt32.self)
    }

    private static func protocolControl(_ type: RTMPMessageType, _ value: UInt32) -> Self {
        var payload = ByteBuffer()
        payload.writeInteger(value)
        return RTMPMessage(type: type, payload: payload)
    }
}
