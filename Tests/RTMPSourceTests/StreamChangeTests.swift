import Foundation
import MediaEngine
import RelayCore
import Testing
import TestSupport

@testable import FLVIngest
@testable import RTMPSource

/// What happens between the sequence headers: a changed one is announced on its stream's
/// next packet, a repeated one is not, and nothing goes out before the first keyframe.
@Suite struct StreamChangeTests {
    /// One publisher switching encoder settings mid-stream (640x360 → 1280x720, 48 → 44.1 kHz
    /// mono): both streams carry the new config on their first packet after the change,
    /// and the FLV muxed from the packets decodes across it.
    @Test func aNewSequenceHeaderBecomesNewExtradata() throws {
        let first = try Recording(.standard)
        let second = try Recording(.high720)
        let offset = (first.messages.map(\.timestamp).max() ?? 0) + 40
        let shifted = second.messages.filter { $0.kind != .data }.map {
            IngestMedia(kind: $0.kind, timestamp: $0.timestamp + offset, payload: $0.payload)
        }
        let session = first.session.dropLast() + shifted.map { .media($0) } + [.unpublish(reason: "done")]
        let source = try Ingest.source(MemoryFeed(Array(session)))
        let streams = try source.open()
        let packets = try Ingest.readAll(source)
        let changed = packets.filter { $0.newExtradata != nil }
        #expect(changed.count == 2)
        let video = try #require(changed.first { $0.streamIndex == 0 })
        let audio = try #require(changed.first { $0.streamIndex == 1 })
        let newVideoHeader = try #require(shifted.first { $0.kind == .video })
        #expect(video.newExtradata == Array(newVideoHeader.payload.dropFirst(5)) && video.isKeyframe && video.dts == offset)
        #expect(audio.newExtradata == Array(shifted.first { $0.kind == .audio }!.payload.dropFirst(2)))
        #expect(audio.dts! >= offset)
        #expect(try AVCDecoderConfiguration(video.newExtradata!).sps.width == 1280)

        let directory = try TempDirectory("rtmpsource")
        let output = directory.file("switch.flv")
        let muxer = try Muxer(
            .file(output), streams: streams, stop: StopSignal(), connectTimeout: .seconds(5), writeTimeout: .seconds(5))
        for packet in packets { try muxer.write(packet) }
        try muxer.finish()
        // ffprobe decodes every frame: no error, and the picture size switches once, at the change.
        let decoded = try runProgram(
            "/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "frame=width", "-of", "csv=p=0", output])
        #expect(decoded.status == 0 && decoded.stderr.isEmpty, "\(decoded.stderr)")
        // A keyframe's line also lists its side data after a comma.
        let widths = decoded.stdout.split(separator: "\n").map { String($0.prefix { $0 != "," }) }
        let expected = Array(repeating: "640", count: first.videoFrames.count)
            + Array(repeating: "1280", count: second.videoFrames.count)
        #expect(widths == expected)
    }

    /// Encoders repeat their sequence headers (before keyframes, on reconnects of their own):
    /// the same bytes again are no change.
    @Test func aRepeatedSequenceHeaderIsIgnored() throws {
        let recording = try Recording(.standard)
        let headers = recording.messages.filter { $0.kind != .data && $0.payload.count > 1 && $0.payload[1] == 0 }
        #expect(headers.count == 2)
        var media = recording.messages
        let middle = media.firstIndex { $0.timestamp >= 1000 }!
        media.insert(contentsOf: headers.map { IngestMedia(kind: $0.kind, timestamp: 1000, payload: $0.payload) }, at: middle)
        let source = try Ingest.source(
            MemoryFeed([.publish(Ingest.publisher)] + media.map { .media($0) } + [.unpublish(reason: "done")]))
        _ = try source.open()
        let packets = try Ingest.readAll(source)
        #expect(packets.count == recording.frameCount)
        #expect(packets.allSatisfy { $0.newExtradata == nil })
    }

    /// A worker attached mid-GOP: headers, then frames that depend on a keyframe it never saw.
    /// Nothing, audio included, goes out before the next keyframe.
    @Test func mediaBeforeTheFirstKeyframeIsDropped() throws {
        let recording = try Recording(.standard)
        let frames = recording.videoFrames
        let cut = try #require(recording.messages.firstIndex { $0 == frames[5].message })
        let configuration = recording.messages.prefix(3)
        let media = configuration + recording.messages[cut...]
        let source = try Ingest.source(
            MemoryFeed([.publish(Ingest.publisher)] + media.map { .media($0) } + [.unpublish(reason: "done")]))
        _ = try source.open()
        let packets = try Ingest.readAll(source)
        let keyframe = try #require(frames.dropFirst(5).first { $0.isKeyframe })
        #expect(packets.first?.streamIndex == 0 && packets.first?.isKeyframe == true && packets.first?.dts == keyframe.dts)
        let keyframeAt = try #require(recording.messages.firstIndex { $0 == keyframe.message })
        #expect(packets.count == recording.messages[keyframeAt...].filter(Recording.isFrame).count)
    }
}
