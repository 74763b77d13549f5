/// One RTMP message as the chunk layer carries it: a test can build any message with it
/// and hand it to `RTMPTestPublisherChunkWriter`, or see what the server sent.
public struct RTMPTestPublisherMessage: Sendable, Equatable {
    /// The chunk stream (2 for protocol control, 3 for commands, 4–65599 for the rest).
    public var chunkStream: Int
    public var type: UInt8
    public var streamID: UInt32
    /// Milliseconds; 32 bits that wrap, as on the wire.
    public var timestamp: UInt32
    public var payload: [UInt8]

    public init(chunkStream: Int, type: UInt8, streamID: UInt32 = 0, timestamp: UInt32 = 0, payload: [UInt8]) {
        self.chunkStream = chunkStream
        self.type = type
        self.streamID = streamID
        self.timestamp = timestamp
        self.payload = payload
    }

    // Message types of the RTMP specification that the publisher sends or reads.
    public static let setChunkSize: UInt8 = 1
    public static let abort: UInt8 = 2
    public static let acknowledgement: UInt8 = 3
    public static let userControl: UInt8 = 4
    public static let windowAcknowledgementSize: UInt8 = 5
    public static let setPeerBandwidth: UInt8 = 6
    public static let audio: UInt8 = 8
    public static let video: UInt8 = 9
    public static let amf3Command: UInt8 = 17
    public static let amf0Data: UInt8 = 18
    public static let amf0Command: UInt8 = 20

    /// A protocol control message (chunk stream 2, message stream 0) with a 32-bit big-endian value.
    public static func control(_ type: UInt8, value: UInt32) -> Self {
        Self(chunkStream: 2, type: type, payload: bigEndian(value))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [
            UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
            UInt8(truncatingIfNeeded: value),
        ]
    }

    /// The payload's first four bytes as a big-endian number, nil if it is shorter.
    var uint32Payload: UInt32? {
        guard payload.count >= 4 else { return nil }
        return payload[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
