import NIOCore
import Testing
import TestSupport

@testable import RTMPProtocol

@Suite struct RTMPChunkEncoderTests {
    static func message(_ type: RTMPMessageType, _ timestamp: UInt32, length: Int, streamID: UInt32 = 1) -> RTMPMessage {
        RTMPMessage(type: type, streamID: streamID, timestamp: timestamp, payload: RTMPChunkDecoderTests.payload(length))
    }

    @Test func picksTheShortestSafeHeader() {
        let steps: [(message: RTMPMessage, chunk: String)] = [
            (Self.message(.audio, 100, length: 2), "04 000064 000002 08 01000000 0001"),
            // Same type and length: the delta alone.
            (Self.message(.audio, 120, length: 2), "84 000014 0001"),
            (Self.message(.video, 130, length: 1), "44 00000a 000001 09 00"),
            // Back in time, or another message stream: a full header again.
            (Self.message(.video, 90, length: 1), "04 00005a 000001 09 01000000 00"),
            (Self.message(.video, 90, length: 1, streamID: 2), "04 00005a 000001 09 02000000 00"),
        ]
        var encoder = RTMPChunkEncoder()
        for step in steps {
            var buffer = ByteBuffer()
            encoder.write(step.message, chunkStreamID: 4, into: &buffer)
            #expect(buffer == ByteBuffer(hex: step.chunk))
        }
    }

    @Test func extendedTimestampsRepeatOnContinuationChunks() {
        var encoder = RTMPChunkEncoder()
        var buffer = ByteBuffer()
        encoder.write(Self.message(.video, 0x0100_0000, length: 130), chunkStreamID: 6, into: &buffer)
        let payload = RTMPChunkDecoderTests.payload(130)
        #expect(
            buffer
                == RTMPChunkDecoderTests.bytes(
                    "06 ffffff 000082 09 01000000 01000000", RTMPChunkDecoderTests.slice(payload, 0..<128),
                    "c6 01000000", RTMPChunkDecoderTests.slice(payload, 128..<130)
                )
        )
    }

    @Test func writtenChunkSizeAppliesToTheNextMessage() {
        var encoder = RTMPChunkEncoder()
        var buffer = ByteBuffer()
        encoder.write(.setChunkSize(4096), chunkStreamID: 2, into: &buffer)
        #expect(encoder.chunkSize == 4096)
        buffer.clear()
        encoder.write(Self.message(.amf0Command, 0, length: 4000, streamID: 0), chunkStreamID: 3, into: &buffer)
        #expect(buffer.readableBytes == 12 + 4000)
    }

    @Test func roundTripsThroughTheDecoder() throws {
        var encoder = RTMPChunkEncoder()
        var decoder = RTMPChunkDecoder(configuration: RTMPServerConfiguration())
        var generator = SplitMix64(seed: 7)
        var sent: [RTMPMessage] = []
        var buffer = ByteBuffer()
        for index in 0..<300 {
            let chunkStreamID = [2, 3, 63, 64, 319, 320, 65_599][Int(generator.next() % 7)] as UInt32
            let timestamp = UInt32(truncatingIfNeeded: generator.next() % 3 == 0 ? generator.next() : UInt64(index * 40))
            let message: RTMPMessage
            if index % 50 == 0 {
                message = .setChunkSize(Int(generator.next() % 5000) + 1)
            } else {
                let type = [RTMPMessageType.audio, .video, .amf0Data][Int(generator.next() % 3)]
                message = Self.message(type, timestamp, length: Int(generator.next() % 700), streamID: UInt32(generator.next() % 3))
            }
            encoder.write(message, chunkStreamID: chunkStreamID, into: &buffer)
            sent.append(message)
        }
        var received: [RTMPMessage] = []
        while let message = try decoder.decode(buffer: &buffer) {
            received.append(message)
        }
        #expect(received == sent)
        #expect(buffer.readableBytes == 0)
    }
}
