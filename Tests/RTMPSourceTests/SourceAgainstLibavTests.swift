import Foundation
import MediaEngine
import RelayCore
import Testing
import TestSupport

@testable import FLVIngest
@testable import RTMPSource

/// Real recordings (ffmpeg CLI, lavfi sources) fed tag by tag through the source, judged by
/// what libavformat (`Demuxer`) and ffprobe read from the same file; then the source's
/// packets are muxed again and must decode cleanly.
@Suite struct SourceAgainstLibavTests {
    /// One packet, as comparable values.
    struct Frame: Equatable, CustomStringConvertible {
        var pts: Int64?
        var dts: Int64?
        var isKeyframe: Bool
        var data: [UInt8]
        var description: String { "pts \(pts ?? -1) dts \(dts ?? -1) key \(isKeyframe) \(data.count) bytes" }
    }

    @Test(arguments: Recording.Spec.all)
    func streamsAndPacketsMatchLibav(_ spec: Recording.Spec) throws {
        let recording = try Recording(spec)
        let source = try Ingest.source(MemoryFeed(recording.session))
        let streams = try source.open()
        let packets = try Ingest.readAll(source)
        source.close()

        let demuxer = try Demuxer(.file(recording.path), stop: StopSignal(), openTimeout: .seconds(10))
        defer { demuxer.close() }
        let expectedKinds = [StreamInfo.Kind.video, .audio].filter { kind in demuxer.streams.contains { $0.kind == kind } }
        #expect(streams.map(\.kind) == expectedKinds)
        #expect(streams.map(\.index) == Array(0..<streams.count))
        for stream in streams {
            let libav = try #require(demuxer.streams.first { $0.kind == stream.kind })
            #expect(stream.codec == libav.codec)
            #expect(stream.timeBase == Rational(1, 1000) && libav.timeBase == Rational(1, 1000))
            #expect(stream.extradata == libav.extradata)
            #expect(stream.profile == libav.profile)
            #expect(stream.level == libav.level)
            if stream.kind == .video {
                #expect(stream.width == libav.width && stream.height == libav.height)
                #expect(stream.pixelFormat == libav.pixelFormat)
                #expect(stream.frameRate == (spec.metadata ? Rational(Int32(spec.video?.fps ?? 0), 1) : nil))
            } else {
                #expect(stream.sampleRate == libav.sampleRate && stream.channels == libav.channels)
                #expect(stream.sampleRate == Int32(spec.audio?.sampleRate ?? 0))
                #expect(stream.frameSize == 1024 && stream.sampleFormat == libav.sampleFormat)
            }
        }

        var libavPackets: [MediaPacket] = []
        while let packet = try demuxer.read() { libavPackets.append(packet) }
        // The source passes nothing that arrives before the first video keyframe (audio that
        // ffmpeg stamped ahead of the video to make room for the AAC encoder's priming, say).
        let libavVideo = demuxer.streams.first { $0.kind == .video }?.index
        let firstKeyframe = libavPackets.firstIndex { $0.streamIndex == libavVideo && $0.isKeyframe } ?? 0
        let skipped = Array(libavPackets[..<firstKeyframe])
        libavPackets.removeFirst(firstKeyframe)
        #expect(skipped.allSatisfy { $0.dts! <= libavPackets.first!.dts! }, "only earlier audio may be ahead of the keyframe")
        for stream in streams {
            let libavIndex = try #require(demuxer.streams.first { $0.kind == stream.kind }).index
            let ours = packets.filter { $0.streamIndex == stream.index }.map(Self.frame)
            let theirs = libavPackets.filter { $0.streamIndex == libavIndex }.map(Self.frame)
            #expect(ours.count == theirs.count, "\(stream.kind)")
            for (index, (mine, libav)) in zip(ours, theirs).enumerated() where mine != libav {
                Issue.record("\(stream.kind) packet \(index): \(mine) ≠ libav's \(libav)")
                break
            }
            // ffprobe, a separate reader, agrees on count, presentation times and keyframes.
            let probed = try FFprobe.packets(recording.path, kind: stream.kind.rawValue)
                .dropFirst(skipped.filter { $0.streamIndex == libavIndex }.count)
            #expect(ours.map { $0.pts! } == probed.map { Int64(($0.time * 1000).rounded()) })
            #expect(ours.map(\.isKeyframe) == probed.map(\.isKeyframe))
        }
        if spec.video?.preset == "veryfast" {
            // B-frames: presentation differs from decoding order, the composition offsets count.
            #expect(packets.contains { $0.pts != $0.dts })
        }
        #expect(packets.allSatisfy { $0.newExtradata == nil })
        try Self.remuxAndDecode(streams, packets, recording.directory, probedFrom: recording.path)
    }

    static func frame(_ packet: MediaPacket) -> Frame {
        Frame(pts: packet.pts, dts: packet.dts, isKeyframe: packet.isKeyframe, data: packet.data)
    }

    /// Muxes the packets into MP4 and FLV with MediaEngine's `Muxer`; ffprobe must see the
    /// original's streams, and ffmpeg must decode every frame without an error.
    static func remuxAndDecode(
        _ streams: [StreamInfo], _ packets: [MediaPacket], _ directory: TempDirectory, probedFrom original: String
    ) throws {
        let expected = try FFprobe.streams(original).map { [$0.codecType, $0.codecName, "\($0.width ?? 0)x\($0.height ?? 0)"] }
        for format in ["mp4", "flv"] {
            let output = directory.file("remuxed.\(format)")
            let muxer = try Muxer(
                .file(output), format: format, streams: streams, stop: StopSignal(), connectTimeout: .seconds(5),
                writeTimeout: .seconds(5))
            for packet in packets { try muxer.write(packet) }
            try muxer.finish()
            let probed = try FFprobe.streams(output).map { [$0.codecType, $0.codecName, "\($0.width ?? 0)x\($0.height ?? 0)"] }
            #expect(probed.sorted { $0[0] > $1[0] } == expected.sorted { $0[0] > $1[0] }, "\(format)")
            let decoded = try runProgram("/usr/bin/ffmpeg", ["-v", "error", "-xerror", "-i", output, "-f", "null", "-"])
            #expect(decoded.status == 0 && decoded.stderr.isEmpty, "\(format): \(decoded.stderr)")
        }
    }
}
