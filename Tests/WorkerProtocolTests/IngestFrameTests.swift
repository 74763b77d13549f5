import RelayCore
import WorkerProtocol
import Testing

struct IngestFrameTests {
    let messages: [IngestMessage] = [
        .publish(IngestPublisher(address: "10.0.0.7:50312", app: "live", encoder: "FMLE/3.0 (compatible; Lavf59.27.100)")),
        .media(IngestMedia(kind: .video, timestamp: 4_294_967_296 + 40, payload: [0x17, 0x01, 0, 0, 0x2A, 1, 2, 3])),
        .media(IngestMedia(kind: .audio, timestamp: -5, payload: [0xAF, 0x01])),
        .media(IngestMedia(kind: .data, timestamp: 0, payload: [])),
        .dropped(count: 17),
        .unpublish(reason: "publisher disconnected"),
    ]

    @Test func roundTripsWhateverTheReadSizes() throws {
        let bytes = messages.flatMap(IngestFrame.encode)
        for step in [1, 2, 7, 64, bytes.count] {
            var decoder = IngestFrame.Decoder()
            var decoded: [IngestMessage] = []
            var offset = 0
            while offset < bytes.count {
                decoder.append(bytes[offset..<min(offset + step, bytes.count)])
                offset += step
                while let message = try decoder.next() { decoded.append(message) }
            }
            #expect(decoded == messages, "read \(step) bytes at a time")
        }
    }

    @Test func mediaHeaderPlusPayloadIsTheMediaFrame() {
        let payload: [UInt8] = [0x27, 0x01, 0, 0, 0]
        let header = IngestFrame.mediaHeader(kind: .video, timestamp: 1234, payloadLength: payload.count)
        #expect(header + payload == IngestFrame.encode(.media(IngestMedia(kind: .video, timestamp: 1234, payload: payload))))
        #expect(header.count == IngestFrame.headerSize + IngestFrame.mediaHeaderSize)
    }

    @Test func refusesBrokenFrames() {
        var unknownKind = IngestFrame.Decoder()
        unknownKind.append([9, 0, 0, 0, 0])
        #expect(throws: IngestFrame.Malformed.self) { try unknownKind.next() }

        var huge = IngestFrame.Decoder()
        huge.append([2, 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(throws: IngestFrame.Malformed.self) { try huge.next() }

        var shortMedia = IngestFrame.Decoder()
        shortMedia.append([2, 0, 0, 0, 3, 9, 0, 0])
        #expect(throws: IngestFrame.Malformed.self) { try shortMedia.next() }
    }
}
