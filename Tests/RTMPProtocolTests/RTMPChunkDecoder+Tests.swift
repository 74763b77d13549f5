import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import RTMPProtocol

/// Chunk fixtures are written out byte by byte (hex for headers), independent of the
/// module's own header writer.
@Suite struct RTMPChunkDecoderTests {
    static let configuration = RTMPServerConfiguration()

    /// `count` bytes counting up from `first`, so misplaced bytes show.
    static func payload(_ count: Int, first: UInt8 = 0) -> ByteBuffer {
        ByteBuffer(bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 + Int(first)) })
    }

    static func slice(_ buffer: ByteBuffer, _ range: Range<Int>) -> ByteBuffer {
        buffer.getSlice(at: buffer.readerIndex + range.lowerBound, length: range.count)!
    }

    /// `parts` concatenated: hex strings and byte buffers.
    static func bytes(_ parts: Any...) -> ByteBuffer {
        var buffer = ByteBuffer()
        for part in parts {
            switch part {
            case let hex as String: buffer.writeImmutableBuffer(ByteBuffer(hex: hex))
            case let bytes as ByteBuffer: buffer.writeImmutableBuffer(bytes)
            default: preconditionFailure("fixture parts are hex strings or buffers")
            }
        }
        return buffer
    }

    /// Every message an `EmbeddedChannel` with the decoder makes of `input`, in one write.
    static func decode(_ input: ByteBuffer, configuration: RTMPServerConfiguration = Self.configuration) throws -> [RTMPMessage] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(RTMPChunkDecoder(configuration: configuration)))
        defer { _ = try? channel.finish() }
        try channel.writeInbound(input)
        var messages: [RTMPMessage] = []
        while let message = try channel.readInbound(as: RTMPMessage.self) {
            messages.append(message)
        }
        return messages
    }

    static func expectError(_ error: RTMPProtocolError, configuration: RTMPServerConfiguration = Self.configuration, _ input: ByteBuffer) {
        var decoder = RTMPChunkDecoder(configuration: configuration)
        var buffer = input
        #expect(throws: error) {
            while try decoder.decode(buffer: &buffer) != nil {}
        }
    }

    @Test func typeZeroHeader() throws {
        let messages = try Self.decode(Self.bytes("03 000064 000005 14 01000000", Self.payload(5)))
        #expect(messages == [RTMPMessage(type: .amf0Command, streamID: 1, timestamp: 100, payload: Self.payload(5))])
    }

    @Test func everyHeaderTypeWithTimestampDeltas() throws {
        let messages = try Self.decode(
            Self.bytes(
                "04 0003e8 000002 08 01000000", Self.payload(2),
                "44 000014 000003 09", Self.payload(3, first: 10),
                "84 00001e", Self.payload(3, first: 20),
                // A type 3 header starting a new message repeats the last delta.
                "c4", Self.payload(3, first: 30)
            )
        )
        #expect(
            messages == [
                RTMPMessage(type: .audio, streamID: 1, timestamp: 1000, payload: Self.payload(2)),
                RTMPMessage(type: .video, streamID: 1, timestamp: 1020, payload: Self.payload(3, first: 10)),
                RTMPMessage(type: .video, streamID: 1, timestamp: 1050, payload: Self.payload(3, first: 20)),
                RTMPMessage(type: .video, streamID: 1, timestamp: 1080, payload: Self.payload(3, first: 30)),
            ])
    }

    @Test func typeThreeAfterTypeZeroTakesItsTimestampAsDelta() throws {
        let messages = try Self.decode(Self.bytes("05 000028 000001 08 01000000 aa c5 bb c5 cc"))
        #expect(messages.map(\.timestamp) == [40, 80, 120])
    }

    @Test func timestampsWrap() throws {
        let messages = try Self.decode(Self.bytes("05 ffffff 000001 08 01000000 fffffff0 aa 45 000020 000001 08 bb"))
        #expect(messages.map(\.timestamp) == [0xFFFF_FFF0, 0x10])
    }

    @Test func chunkStreamIDForms() throws {
        // Chunk stream 64 in its two-byte form, continued in the (longer) three-byte form;
        // 319, the largest two-byte id; 320 and 65 599 in three bytes.
        let messages = try Self.decode(
            Self.bytes(
                "00 00 000001 000001 08 01000000 aa", "c1 0000 bb",
                "00 ff 000002 000001 08 01000000 cc", "c0 ff dd",
                "01 0001 000003 000001 08 01000000 ee", "c1 0001 ff",
                "01 ffff 000004 000001 08 01000000 11", "c1 ffff 22"
            )
        )
        #expect(messages.map(\.timestamp) == [1, 2, 2, 4, 3, 6, 4, 8])
        #expect(messages.map { $0.payload.getInteger(at: 0, as: UInt8.self) } == [0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x11, 0x22])
    }

    @Test func extendedTimestampOnTypeZeroAndItsContinuations() throws {
        let payload = Self.payload(300)
        let messages = try Self.decode(
            Self.bytes(
                "06 ffffff 00012c 09 01000000 01000000", Self.slice(payload, 0..<128),
                "c6 01000000", Self.slice(payload, 128..<256),
                "c6 01000000", Self.slice(payload, 256..<300)
            )
        )
        #expect(messages == [RTMPMessage(type: .video, streamID: 1, timestamp: 0x0100_0000, payload: payload)])
    }

    @Test func extendedDeltaOnTypeOneAndANewTypeThreeMessage() throws {
        let messages = try Self.decode(
            Self.bytes(
                "06 000010 000001 09 01000000 aa",
                "46 ffffff 000001 09 01000000 bb",
                // A new message: its type 3 header carries the extended field, the delta.
                "c6 01000000 cc"
            )
        )
        #expect(messages.map(\.timestamp) == [0x10, 0x0100_0010, 0x0200_0010])
    }

    @Test func chunkSizeChangeOnAnotherChunkStreamAppliesToAMessageInProgress() throws {
        let payload = Self.payload(300)
        let messages = try Self.decode(
            Self.bytes(
                "04 000000 00012c 09 01000000", Self.slice(payload, 0..<128),
                "02 000000 000004 01 00000000 000000c8",
                // 172 bytes left, in one chunk now that chunks hold up to 200.
                "c4", Self.slice(payload, 128..<300)
            )
        )
        #expect(
            messages == [
                RTMPMessage(type: .setChunkSize, payload: ByteBuffer(hex: "000000c8")),
                RTMPMessage(type: .video, streamID: 1, payload: payload),
            ])
    }

    @Test func setChunkSizeIgnoresTheTopBit() throws {
        var decoder = RTMPChunkDecoder(configuration: Self.configuration)
        var buffer = Self.bytes("02 000000 000004 01 00000000 80001000")
        #expect(try decoder.decode(buffer: &buffer)?.type == .setChunkSize)
        #expect(decoder.chunkSize == 4096)
    }

    @Test func abortDropsThePartialMessage() throws {
        var decoder = RTMPChunkDecoder(configuration: Self.configuration)
        var buffer = Self.bytes("04 000000 0000c8 09 01000000", Self.payload(128))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(decoder.bufferedByteCount == 128)
        buffer.writeImmutableBuffer(Self.bytes("02 000000 000004 02 00000000 00000004", "04 000005 000002 08 01000000 abcd"))
        #expect(try decoder.decode(buffer: &buffer)?.type == .abort)
        #expect(decoder.bufferedByteCount == 0)
        #expect(try decoder.decode(buffer: &buffer) == RTMPMessage(type: .audio, streamID: 1, timestamp: 5, payload: ByteBuffer(hex: "abcd")))
    }

    @Test func aNewHeaderMidMessageAbandonsIt() throws {
        let messages = try Self.decode(Self.bytes("04 000000 0000c8 09 01000000", Self.payload(128), "04 000007 000001 08 01000000 ee"))
        #expect(messages == [RTMPMessage(type: .audio, streamID: 1, timestamp: 7, payload: ByteBuffer(hex: "ee"))])
    }

    @Test func interleavedMessages() throws {
        let video = Self.payload(200)
        let audio = Self.payload(150, first: 100)
        let messages = try Self.decode(
            Self.bytes(
                "06 000021 0000c8 09 01000000", Self.slice(video, 0..<128),
                "04 000022 000096 08 01000000", Self.slice(audio, 0..<128),
                "c6", Self.slice(video, 128..<200),
                "c4", Self.slice(audio, 128..<150)
            )
        )
        #expect(
            messages == [
                RTMPMessage(type: .video, streamID: 1, timestamp: 0x21, payload: video),
                RTMPMessage(type: .audio, streamID: 1, timestamp: 0x22, payload: audio),
            ])
    }

    @Test func emptyMessages() throws {
        let messages = try Self.decode(Self.bytes("04 000001 000000 08 01000000 c4"))
        #expect(
            messages == [
                RTMPMessage(type: .audio, streamID: 1, timestamp: 1, payload: ByteBuffer()),
                RTMPMessage(type: .audio, streamID: 1, timestamp: 2, payload: ByteBuffer()),
            ])
    }

    /// The verifier repeats and shuffles the pairs on one decoder, so each pair starts its
    /// chunk streams with type 0 headers and sets the chunk size it needs.
    @Test func verifiedAgainstEveryWayOfSplittingTheInput() throws {
        let video = Self.payload(300)
        let setChunkSize128 = RTMPMessage(type: .setChunkSize, payload: ByteBuffer(hex: "00000080"))
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [
                (
                    Self.bytes("03 000064 000005 14 01000000", Self.payload(5)),
                    [
                        RTMPMessage(type: .amf0Command, streamID: 1, timestamp: 100, payload: Self.payload(5))
                    ]
                ),
                (
                    Self.bytes(
                        "02 000000 000004 01 00000000 00000080",
                        "06 ffffff 00012c 09 01000000 01000000", Self.slice(video, 0..<128),
                        "02 000000 000004 01 00000000 000000c8", "c6 01000000", Self.slice(video, 128..<300)
                    ),
                    [
                        setChunkSize128,
                        RTMPMessage(type: .setChunkSize, payload: ByteBuffer(hex: "000000c8")),
                        RTMPMessage(type: .video, streamID: 1, timestamp: 0x0100_0000, payload: video),
                    ]
                ),
                (
                    Self.bytes("07 000010 000001 08 01000000 ff", "47 000010 000002 08 abcd", "87 000010 ef01", "00 00 000001 000000 08 01000000"),
                    [
                        RTMPMessage(type: .audio, streamID: 1, timestamp: 0x10, payload: ByteBuffer(hex: "ff")),
                        RTMPMessage(type: .audio, streamID: 1, timestamp: 0x20, payload: ByteBuffer(hex: "abcd")),
                        RTMPMessage(type: .audio, streamID: 1, timestamp: 0x30, payload: ByteBuffer(hex: "ef01")),
                        RTMPMessage(type: .audio, streamID: 1, timestamp: 1, payload: ByteBuffer()),
                    ]
                ),
            ],
            decoderFactory: { RTMPChunkDecoder(configuration: Self.configuration) }
        )
    }

    // MARK: Limits

    @Test(arguments: ["00000000", "80000000", "01000000"])
    func refusesChunkSizesOutOfRange(size: String) {
        let expected = Int(UInt32(size, radix: 16)! & 0x7FFF_FFFF)
        Self.expectError(
            .invalidChunkSize(expected, limit: 0xFF_FFFF), Self.bytes("02 000000 000004 01 00000000", size)
        )
    }

    @Test func refusesShortProtocolControl() {
        Self.expectError(.malformedMessage(type: .setChunkSize), Self.bytes("02 000000 000002 01 00000000 0001"))
        Self.expectError(.malformedMessage(type: .abort), Self.bytes("02 000000 000000 02 00000000"))
    }

    @Test func refusesMessagesAboveTheLimit() {
        let configuration = RTMPServerConfiguration(maxMessageSize: 1000)
        Self.expectError(.messageTooLong(length: 1001, limit: 1000), configuration: configuration, Self.bytes("04 000000 0003e9 09 01000000"))
    }

    @Test func refusesTooManyChunkStreams() {
        let configuration = RTMPServerConfiguration(maxChunkStreams: 2)
        Self.expectError(
            .tooManyChunkStreams(limit: 2), configuration: configuration,
            Self.bytes("04 000000 000001 09 01000000 aa 05 000000 000001 09 01000000 aa 06 000000 000001 09 01000000 aa")
        )
    }

    @Test func boundsBytesHeldInPartialMessages() {
        let configuration = RTMPServerConfiguration(maxMessageSize: 300)
        Self.expectError(
            .partialMessagesTooLarge(limit: 300), configuration: configuration,
            Self.bytes(
                "04 000000 00012c 09 01000000", Self.payload(128), "05 000000 00012c 09 01000000", Self.payload(128),
                "06 000000 00012c 09 01000000", Self.payload(128)
            )
        )
    }

    @Test(arguments: ["44 000000 000001 08 aa", "84 000000 aa", "c4 aa"])
    func refusesHeadersWithoutAPreviousOne(chunk: String) {
        Self.expectError(.chunkWithoutPreviousHeader(chunkStreamID: 4), Self.bytes(chunk))
    }

    @Test func growsWithTheDataNotTheDeclaredLength() throws {
        var decoder = RTMPChunkDecoder(configuration: Self.configuration)
        var buffer = Self.bytes("04 000000 7fffff 09 01000000", Self.payload(100))
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == 0)
        #expect(decoder.bufferedByteCount == 100)
    }

    /// The largest message in the default 128-byte chunks: 65 536 chunks, reassembled whole
    /// and in order. How fast (an earlier version that copied the partial message for every
    /// chunk was ten times slower) is measured by bench/rtmp_decoder.sh.
    @Test func theLargestMessageInTheSmallestChunks() throws {
        let length = RTMPServerConfiguration().maxMessageSize
        var input = Self.bytes("04 000000 800000 09 01000000")
        var expected = ByteBuffer()
        for index in 0..<(length / 128) {
            if index > 0 { input.writeInteger(0xC4 as UInt8) }
            // Each chunk's bytes count up from its own index, so a chunk out of place shows.
            let chunk = Self.payload(128, first: UInt8(truncatingIfNeeded: index))
            input.writeImmutableBuffer(chunk)
            expected.writeImmutableBuffer(chunk)
        }
        var decoder = RTMPChunkDecoder(configuration: Self.configuration)
        let message = try #require(try decoder.decode(buffer: &input))
        #expect(message.type == .video && message.streamID == 1)
        #expect(message.payload == expected)
        #expect(input.readableBytes == 0)
        #expect(decoder.bufferedByteCount == 0)
    }

    @Test func leavesAtMostAPartialHeaderUnread() throws {
        var decoder = RTMPChunkDecoder(configuration: Self.configuration)
        // The longest header, one byte short.
        var buffer = Self.bytes("01 ffff ffffff 00012c 09 01000000 010000")
        #expect(try decoder.decode(buffer: &buffer) == nil)
        #expect(buffer.readableBytes == RTMPChunkHeader.maximumLength - 1)
    }
}
