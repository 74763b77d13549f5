import NIOCore

@testable import RTMPProtocol

/// Valid client sessions the fuzzer mutates, with the offsets where each step's bytes
/// begin, so that structure-aware mutations can land between chunks.
struct RTMPFuzzCorpus {
    struct Session {
        var bytes: [UInt8]
        /// Offsets of step starts (after the handshake, chunk boundaries).
        var boundaries: [Int]
        /// Where the chunks start: after C0, C1 and C2.
        var handshakeLength: Int
    }

    /// C0, a C1 with a valid Flash Player 9 digest (scheme 0), and C2.
    static let signedHandshake: [UInt8] = {
        var c1 = [0, 0, 0, 0, 9, 0, 124, 2] + (0..<1528).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let offset = RTMPHandshakeDigest.Scheme.first.offset(in: c1)
        let digest = RTMPHandshakeDigest.digest(of: c1, excludingAt: offset, key: Array(RTMPHandshakeDigest.flashPlayerKey.prefix(30)))
        c1.replaceSubrange(offset..<(offset + 32), with: digest)
        return [3] + c1 + [UInt8](repeating: 0, count: 1536)
    }()

    static let plainHandshake = Array(RTMPTestClient.c0c1.readableBytesView) + Array(RTMPTestClient.c2.readableBytesView)

    let sessions: [Session]

    init() {
        self.sessions = [Self.ffmpegLike(), Self.smallChunksInterleaved(), Self.refusedPlayer()]
    }

    private struct Builder {
        var client = RTMPTestClient()
        var session: Session

        init(handshake: [UInt8]) {
            self.session = Session(bytes: handshake, boundaries: [0, handshake.count], handshakeLength: handshake.count)
        }

        mutating func add(_ bytes: ByteBuffer) {
            self.session.bytes += bytes.readableBytesView
            self.session.boundaries.append(self.session.bytes.count)
        }
    }

    static func payload(_ count: Int, _ first: UInt8) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 + Int(first)) })
    }

    /// FFmpeg's order of calls, its chunk size mirrored to 4096, extended timestamps, an
    /// aggregate, pings and a window, then unpublishing.
    private static func ffmpegLike() -> Session {
        var builder = Builder(handshake: Self.plainHandshake)
        builder.add(builder.client.command("connect", 1, RTMPTestClient.connectObject))
        builder.add(builder.client.chunks(.setChunkSize(4096), chunkStreamID: 2))
        builder.add(builder.client.command("releaseStream", 2, .null, .string("key")))
        builder.add(builder.client.command("FCPublish", 3, .null, .string("key")))
        builder.add(builder.client.command("createStream", 4))
        builder.add(builder.client.command("publish", 5, .null, .string("key?a=b"), .string("live"), streamID: 1))
        builder.add(builder.client.media(.amf0Data, timestamp: 0, payload: RTMPServerHandlerTests.metadata))
        builder.add(builder.client.media(.video, timestamp: 0, payload: Self.payload(600, 0x17)))
        builder.add(builder.client.media(.audio, timestamp: 23, payload: Self.payload(40, 0xAF)))
        builder.add(builder.client.chunks(.windowAcknowledgementSize(2000), chunkStreamID: 2))
        builder.add(builder.client.media(.video, timestamp: 0xFF_FFFF, payload: Self.payload(5000, 0x27)))
        builder.add(builder.client.media(.audio, timestamp: 0x0100_0010, payload: Self.payload(40, 0xAF)))
        builder.add(builder.client.chunks(RTMPUserControlEvent.pingRequest(timestamp: 9).message, chunkStreamID: 2))
        builder.add(
            builder.client.media(
                .aggregate, timestamp: 0x0100_0020,
                payload: ByteBuffer(
                    hex: """
                        08 000002 001388 00 000000 af01 0000000d
                        09 000003 0013b0 00 000000 270102 0000000e
                        """)))
        builder.add(builder.client.command("FCUnpublish", 6, .null, .string("key")))
        builder.add(builder.client.command("deleteStream", 7, .null, .number(1)))
        return builder.session
    }

    /// A signed handshake, the default 128-byte chunks with audio and video interleaved, an
    /// AMF3 command and data message, an Abort, and a second publish.
    private static func smallChunksInterleaved() -> Session {
        var builder = Builder(handshake: Self.signedHandshake)
        let connect = RTMPCommand(name: "connect", transactionID: 1, commandObject: RTMPTestClient.connectObject).message()
        var amf3Connect = ByteBuffer(bytes: [0])
        amf3Connect.writeImmutableBuffer(connect.payload)
        builder.add(builder.client.chunks(RTMPMessage(type: .amf3Command, payload: amf3Connect), chunkStreamID: 3))
        builder.add(builder.client.command("createStream", 2))
        builder.add(builder.client.command("publish", 0, .null, .string("other"), streamID: 1))
        let video = builder.client.media(.video, timestamp: 40, payload: Self.payload(300, 0x17))
        let audio = builder.client.media(.audio, timestamp: 41, payload: Self.payload(200, 0xAF))
        // Chunk by chunk, alternating: a 12-byte header and 128 bytes, then 1 and 128, ….
        var videoChunks = video
        var audioChunks = audio
        for length in [(12 + 128, 12 + 128), (129, 1 + 72), (1 + 44, 0)] {
            builder.add(videoChunks.readSlice(length: length.0)!)
            builder.add(audioChunks.readSlice(length: length.1)!)
        }
        var amf3Data = ByteBuffer(bytes: [0])
        amf3Data.writeImmutableBuffer(RTMPServerHandlerTests.metadata)
        builder.add(builder.client.chunks(RTMPMessage(type: .amf3Data, streamID: 1, timestamp: 50, payload: amf3Data), chunkStreamID: 8))
        // Only the first chunk of a 400-byte message (whose header type the encoder chose):
        // the rest of it is 3 one-byte continuation headers and 400 - 128 bytes.
        let partial = builder.client.media(.video, timestamp: 80, payload: Self.payload(400, 0x27))
        builder.add(partial.getSlice(at: partial.readerIndex, length: partial.readableBytes - 3 - (400 - 128))!)
        builder.add(builder.client.chunks(RTMPMessage(type: .abort, payload: ByteBuffer(hex: "00000006")), chunkStreamID: 2))
        builder.add(builder.client.command("publish", 0, .null, .string("again"), streamID: 1))
        return builder.session
    }

    /// A player: refused, and the connection closed.
    private static func refusedPlayer() -> Session {
        var builder = Builder(handshake: Self.plainHandshake)
        builder.add(builder.client.command("connect", 1, RTMPTestClient.connectObject))
        builder.add(builder.client.command("someCall", 2, .null, .strictArray([.number(1), .date(0), .undefined])))
        builder.add(builder.client.command("createStream", 3))
        builder.add(builder.client.command("play", 0, .null, .string("key"), streamID: 1))
        return builder.session
    }
}
