import Foundation
import RelayCore
import Testing

@testable import FLVIngest
@testable import RTMPSource

/// Hostile publishers: broken tag bodies fail the source with a clear `RelayError(.source)`,
/// never a crash, whether they come while probing or mid-stream.
@Suite struct MalformedInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var kind: IngestMedia.Kind
        var payload: [UInt8]
        var message: String
        /// Also refused while probing: the tag alone is wrong. A frame is only checked
        /// against its sequence header, after the probe.
        var inProbe = true
        var testDescription: String { name }
    }

    static let avcHeader: [UInt8] = [0x17, 0x00, 0x00, 0x00, 0x00]
    static let spsOf854x480 = hex("6764001eacd940d83de6f011000003000100000300320f162d96")

    /// An avcC around `sps` (and one PPS).
    static func avcC(_ sps: [UInt8], lengthSizeMinusOne: UInt8 = 3, version: UInt8 = 1) -> [UInt8] {
        [version, sps[1], sps[2], sps[3], 0xFC | lengthSizeMinusOne, 0xE1, 0, UInt8(sps.count)] + sps
            + [1, 0, 4, 0x68, 0xEB, 0xE3, 0xCB]
    }

    static let cases: [Case] = [
        Case(name: "empty video body", kind: .video, payload: [], message: "malformed video message at 40 ms: empty body"),
        Case(name: "empty audio body", kind: .audio, payload: [], message: "malformed audio message at 40 ms: empty body"),
        Case(
            name: "truncated AVC packet header", kind: .video, payload: [0x27, 0x01, 0x00],
            message: "malformed video message at 40 ms: tag header truncated: 3 bytes needed at offset 2 of 3"),
        Case(
            name: "NAL unit length beyond the frame", kind: .video, payload: [0x27, 0x01, 0, 0, 0, 0, 0x10, 0, 0, 0x65, 1],
            message: "malformed video message at 40 ms: frame has a NAL unit of 1048576 bytes with 2 left", inProbe: false),
        Case(
            name: "frame ending inside a length", kind: .video, payload: [0x27, 0x01, 0, 0, 0, 0, 0, 0, 1, 0x41, 0, 0],
            message: "malformed video message at 40 ms: frame ends inside a NAL unit length (2 bytes left)", inProbe: false),
        Case(
            name: "garbage avcC", kind: .video, payload: avcHeader + [0x4D, 0x5A, 0x90, 0x00],
            message: "malformed video message at 40 ms: AVC sequence header has configuration version 77, not 1"),
        Case(
            name: "empty avcC", kind: .video, payload: avcHeader,
            message: "malformed video message at 40 ms: AVC sequence header truncated: 1 bytes needed at offset 0 of 0"),
        Case(
            name: "avcC SPS length beyond the record", kind: .video,
            payload: avcHeader + [1, 100, 0, 30, 0xFF, 0xE1, 0x01, 0x00, 0x67],
            message: "malformed video message at 40 ms: AVC sequence header truncated: 256 bytes needed at offset 8 of 9"),
        Case(
            name: "avcC with 3-byte lengths", kind: .video, payload: avcHeader + avcC(spsOf854x480, lengthSizeMinusOne: 2),
            message: "malformed video message at 40 ms: AVC sequence header gives NAL unit lengths of 3 bytes"),
        Case(
            name: "avcC without SPS", kind: .video, payload: avcHeader + [1, 100, 0, 30, 0xFF, 0xE0, 0],
            message: "malformed video message at 40 ms: AVC sequence header has no SPS"),
        Case(
            name: "SPS 100000 macroblocks wide", kind: .video,
            payload: avcHeader + avcC(H264SequenceParameterSetTests.Fields(widthInMbs: 100_000).bytes),
            message: "malformed video message at 40 ms: SPS pic_width_in_mbs_minus1 99999 exceeds 1023"),
        Case(
            name: "truncated SPS", kind: .video, payload: avcHeader + avcC(Array(spsOf854x480.prefix(6))),
            message: "malformed video message at 40 ms: SPS truncated"),
        Case(
            name: "unknown AVC packet type", kind: .video, payload: [0x17, 0x07, 0, 0, 0],
            message: "malformed video message at 40 ms: unknown AVC packet type 7"),
        Case(
            name: "reserved frame type", kind: .video, payload: [0x77, 0x01, 0, 0, 0],
            message: "malformed video message at 40 ms: reserved frame type 7"),
        Case(
            name: "VP6", kind: .video, payload: [0x14, 0x00, 0x01],
            message: "unsupported video codec On2 VP6; relaygate ingests H.264 and AAC"),
        Case(
            name: "codec id 15", kind: .video, payload: [0x1F, 0x00],
            message: "unsupported video codec id 15; relaygate ingests H.264 and AAC"),
        Case(
            name: "enhanced RTMP HEVC", kind: .video, payload: [0x90, 0x68, 0x76, 0x63, 0x31, 0x01],
            message: "unsupported video codec hvc1 (enhanced RTMP); relaygate ingests H.264 and AAC"),
        Case(
            name: "enhanced RTMP with a binary FourCC", kind: .video, payload: [0x91, 0x00, 0xFF, 0x10, 0x01],
            message: "unsupported video codec 0x00ff1001 (enhanced RTMP); relaygate ingests H.264 and AAC"),
        Case(
            name: "MP3", kind: .audio, payload: [0x2F, 0xFF, 0xFB],
            message: "unsupported audio codec MP3; relaygate ingests H.264 and AAC"),
        Case(
            name: "enhanced RTMP Opus", kind: .audio, payload: [0x90, 0x4F, 0x70, 0x75, 0x73],
            message: "unsupported audio codec Opus (enhanced RTMP); relaygate ingests H.264 and AAC"),
        Case(
            name: "AAC header without a config", kind: .audio, payload: [0xAF, 0x00],
            message: "malformed audio message at 40 ms: AAC sequence header truncated"),
        Case(
            name: "AAC with a reserved sampling index", kind: .audio, payload: [0xAF, 0x00, 0x16, 0x90],
            message: "malformed audio message at 40 ms: AAC sequence header has the reserved sampling index 13"),
        Case(
            name: "unknown AAC packet type", kind: .audio, payload: [0xAF, 0x02, 0x21],
            message: "malformed audio message at 40 ms: unknown AAC packet type 2"),
    ]

    /// While probing: right after the publish.
    @Test(arguments: cases.filter(\.inProbe))
    func failsTheProbe(_ test: Case) throws {
        let source = try Ingest.source(
            MemoryFeed([.publish(Ingest.publisher), .media(IngestMedia(kind: test.kind, timestamp: 40, payload: test.payload))]))
        #expect(throws: RelayError(.source, "rtmp: \(test.message)")) { _ = try source.open() }
    }

    /// Mid-stream: after valid headers and a keyframe.
    @Test(arguments: cases)
    func failsTheRead(_ test: Case) throws {
        let recording = try Recording(Recording.Spec(name: "short", video: .init(), audio: .init(), seconds: 0.2))
        let start = recording.messages.filter { $0.timestamp == 0 }.map { IngestMessage.media($0) }
        let broken = IngestMessage.media(IngestMedia(kind: test.kind, timestamp: 40, payload: test.payload))
        let source = try Ingest.source(MemoryFeed([.publish(Ingest.publisher)] + start + [broken]))
        _ = try source.open()
        #expect(throws: RelayError(.source, "rtmp: \(test.message)")) { _ = try Ingest.readAll(source) }
    }

    /// Data messages are advisory: unreadable ones are skipped, never fatal.
    @Test func unreadableDataMessagesAreSkipped() throws {
        let recording = try Recording(.audioOnly)
        var session = recording.session
        session.insert(.media(IngestMedia(kind: .data, timestamp: 0, payload: [0x02, 0xFF, 0xFF, 0x01])), at: 1)
        session.insert(.media(IngestMedia(kind: .data, timestamp: 500, payload: [])), at: 40)
        let source = try Ingest.source(MemoryFeed(session))
        _ = try source.open()
        #expect(try Ingest.readAll(source).count == recording.frameCount)
    }
}
