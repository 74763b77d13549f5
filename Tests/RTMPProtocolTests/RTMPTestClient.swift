import NIOCore

@testable import RTMPProtocol

/// The bytes of a publishing client, chunked the way FFmpeg sends them (commands on chunk
/// stream 3, audio on 4, video on 6, data on 8), and a reader for the server's answer.
struct RTMPTestClient {
    /// C0 and a plain C1: time zero, zero version bytes, then filler.
    static let c0c1 = ByteBuffer(bytes: [3, 0, 0, 0, 0, 0, 0, 0, 0] + (0..<1528).map { UInt8(truncatingIfNeeded: $0 * 7) })
    /// C2: never checked by the server.
    static let c2 = ByteBuffer(repeating: 0x5A, count: 1536)

    private var encoder = RTMPChunkEncoder()
    private var serverDecoder = RTMPChunkDecoder(configuration: RTMPServerConfiguration())
    private var handshakeBytesToSkip = 1 + 2 * 1536

    static let connectObject = AMF0Value.object([
        AMF0Property("app", .string("live")), AMF0Property("type", .string("nonprivate")),
        AMF0Property("flashVer", .string("FMLE/3.0 (compatible; Lavf60.16.100)")),
        AMF0Property("tcUrl", .string("rtmp://127.0.0.1:1935/live")),
    ])

    mutating func chunks(_ message: RTMPMessage, chunkStreamID: UInt32) -> ByteBuffer {
        var buffer = ByteBuffer()
        self.encoder.write(message, chunkStreamID: chunkStreamID, into: &buffer)
        return buffer
    }

    mutating func command(_ name: String, _ transactionID: Double, _ object: AMF0Value = .null, _ arguments: AMF0Value..., streamID: UInt32 = 0)
        -> ByteBuffer
    {
        let command = RTMPCommand(name: name, transactionID: transactionID, commandObject: object, arguments: arguments)
        return self.chunks(command.message(streamID: streamID), chunkStreamID: 3)
    }

    mutating func media(_ type: RTMPMessageType, timestamp: UInt32, payload: ByteBuffer, streamID: UInt32 = 1) -> ByteBuffer {
        let chunkStreamID: UInt32 = type == .audio ? 4 : type == .video ? 6 : 8
        return self.chunks(RTMPMessage(type: type, streamID: streamID, timestamp: timestamp, payload: payload), chunkStreamID: chunkStreamID)
    }

    /// The server's messages in `bytes` (after skipping S0, S1 and S2 on the first call).
    mutating func read(_ bytes: ByteBuffer) throws -> [RTMPMessage] {
        var bytes = bytes
        let skipped = min(self.handshakeBytesToSkip, bytes.readableBytes)
        bytes.moveReaderIndex(forwardBy: skipped)
        self.handshakeBytesToSkip -= skipped
        var messages: [RTMPMessage] = []
        while let message = try self.serverDecoder.decode(buffer: &bytes) {
            messages.append(message)
        }
        return messages
    }

    /// The commands among the server's messages in `bytes`.
    mutating func readCommands(_ bytes: ByteBuffer) throws -> [RTMPCommand] {
        try self.read(bytes).filter { $0.type == .amf0Command }.map { try RTMPCommand(message: $0) }
    }
}
