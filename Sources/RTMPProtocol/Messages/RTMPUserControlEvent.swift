package import NIOCore

/// The payload of a User Control message (type 4): a 16-bit event type and its data.
package enum RTMPUserControlEvent: Sendable, Hashable {
    /// Event 0: the stream is ready for use.
    case streamBegin(streamID: UInt32)
    /// Event 1: the stream's data has ended.
    case streamEOF(streamID: UInt32)
    /// Event 6: answer with a Ping Response carrying the same timestamp.
    case pingRequest(timestamp: UInt32)
    /// Event 7.
    case pingResponse(timestamp: UInt32)
    /// Any other event (Stream Dry, Set Buffer Length, …), which a publishing server ignores.
    case other(eventType: UInt16)

    /// Reads the event in a User Control payload; `nil` when the payload is too short for
    /// the event it names.
    package init?(payload: ByteBuffer) {
        var payload = payload
        guard let eventType = payload.readInteger(as: UInt16.self) else {
            return nil
        }
        let value = payload.readInteger(as: UInt32.self)
        switch (eventType, value) {
        case (0, let streamID?): self = .streamBegin(streamID: streamID)
        case (1, let streamID?): self = .streamEOF(streamID: streamID)
        case (6, let timestamp?): self = .pingRequest(timestamp: timestamp)
        case (7, let timestamp?): self = .pingResponse(timestamp: timestamp)
        case (0, nil), (1, nil), (6, nil), (7, nil): return nil
        default: self = .other(eventType: eventType)
        }
    }

    /// The User Control message (on message stream 0) carrying this event. `.other` events
    /// are written with no data.
    package var message: RTMPMessage {
        var payload = ByteBuffer()
        switch self {
        case .streamBegin(let value), .streamEOF(let value), .pingRequest(let value), .pingResponse(let value):
            payload.writeInteger(self.eventType)
            payload.writeInteger(value)
        case .other(let eventType):
            payload.writeInteger(eventType)
        }
        return RTMPMessage(type: .userControl, payload: payload)
    }

    private var eventType: UInt16 {
        switch self {
        case .streamBegin: 0
        case .streamEOF: 1
        case .pingRequest: 6
        case .pingResponse: 7
        case .other(let eventType): eventType
        }
    }
}
