import Foundation
@testable import H264Transcoder
import Logging
import PullSource
import RelayCore
import Testing
import TestSupport

/// `auto` in a real pipeline (file → auto → nginx-rtmp → HLS, judged by ffprobe): a source
/// that meets the profile is copied byte for byte with no encoder opened; one that does not
/// is encoded; and a source that changes mid-stream is followed both ways.
@Suite(.serialized) struct AutoTranscoderTests {
    /// Bounds 854x480, 30 fps, 1200k, GOP 2 s: small so CI encodes quickly.
    static let options = H264TranscoderPlugin.Options(
        video: .init(width: 854, height: 480, fps: 30, bitrate: 1_200_000, preset: "ultrafast"))

    /// A 640x360 30 fps H.264 + AAC file with keyframes exactly at `keyframes` (seconds).
    static func source(
        _ name: String, in directory: TempDirectory, seconds: Int, keyframes: [Int], size: String = "640x360"
    ) throws -> URL {
        let path = URL(fileURLWithPath: directory.path).appendingPathComponent(name)
        try FFmpeg.run([
            "-f", "lavfi", "-i", "testsrc2=size=\(size):rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "\(seconds)",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10000", "-keyint_min", "10000", "-sc_threshold", "0",
            "-force_key_frames", keyframes.map(String.init).joined(separator: ","),
            "-b:v", "600k", "-maxrate", "600k", "-bufsize", "600k", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "96k", path.path,
        ])
        return path
    }

    /// The source's video packets as PullSource reads them.
    static func videoPayloads(_ input: URL) throws -> [[UInt8]] {
        let context = StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: StopSignal())
        let source = try PullSourcePlugin.makeSource(options: .init(file: input.path, realtime: false), context: context)
        defer { source.close() }
        let video = try #require(try source.open().first { $0.kind == .video }).index
        var payloads: [[UInt8]] = []
        while let packet = try source.read() {
            if packet.streamIndex == video { payloads.append(packet.data) }
        }
        return payloads
    }

    struct Run {
        var recording: String
        var outputs: [StreamInfo]
        var statuses: [String]
        var videoPayloads: [[UInt8]]
        var encodersOpened: Int
    }

    static func run(_ input: URL, channel: String, nginx: Nginx) throws -> Run {
        let context = StageContext(route: "r", channel: channel, logger: Logger(label: "test"), stop: StopSignal())
        let auto = AutoTranscoder(options: options, context: context)
        var statuses: [String] = []
        var payloads: [[UInt8]] = []
        let (recording, outputs) = try H264TranscoderTests.relay(input, through: auto, context: context, nginx: nginx) {
            packet in
            if let status = context.processing.current, statuses.last != status { statuses.append(status) }
            if packet.streamIndex == 0 { payloads.append(packet.data) }
        }
        return Run(
            recording: recording, outputs: outputs, statuses: statuses, videoPayloads: payloads,
            encodersOpened: auto.encodersOpened)
    }

    @Test func aCompliantSourceIsCopiedWithoutOpeningAnEncoder() async throws {
        let temporary = try TempDirectory("auto")
        let input = try Self.source("fits.flv", in: temporary, seconds: 8, keyframes: Array(0..<8))
        let nginx = try await Nginx()
        let run = try Self.run(input, channel: "fits", nginx: nginx)

        #expect(run.encodersOpened == 0)
        #expect(run.statuses.count == 1 && run.statuses[0].hasPrefix("passthrough: the source meets the profile"), "\(run.statuses)")
        // Byte for byte the source's bitstream: nothing was decoded or encoded.
        let source = try Self.videoPayloads(input)
        #expect(run.videoPayloads.count == source.count)
        #expect(run.videoPayloads == source)
        let video = try #require(try FFprobe.streams(run.recording).first { $0.codecType == "video" })
        #expect(video.width == 640 && video.height == 360)
    }

    @Test func aSourceWithLongKeyframeIntervalsIsEncoded() async throws {
        let temporary = try TempDirectory("auto")
        let input = try Self.source("sparse.flv", in: temporary, seconds: 10, keyframes: [0, 4, 8])
        let nginx = try await Nginx()
        let run = try Self.run(input, channel: "sparse", nginx: nginx)

        #expect(run.encodersOpened == 1)
        #expect(run.statuses.last?.hasPrefix("transcoding: keyframe interval") == true, "\(run.statuses)")
        let video = try #require(try FFprobe.streams(run.recording).first { $0.codecType == "video" })
        #expect(video.width == 854 && video.height == 480)
        let keyframes = try H264TranscoderTests.videoPackets(run.recording).keyframes
        let gaps = zip(keyframes.dropFirst(), keyframes).map { $0 - $1 }
        #expect(!gaps.isEmpty && gaps.allSatisfy { abs($0 - 2.0) < 0.002 }, "keyframe gaps \(gaps)")
    }

    @Test func aSourceTooLargeForTheProfileIsEncodedFromTheStart() async throws {
        let temporary = try TempDirectory("auto")
        let input = try Self.source("big.flv", in: temporary, seconds: 3, keyframes: [0, 1, 2], size: "1280x720")
        let nginx = try await Nginx()
        let run = try Self.run(input, channel: "big", nginx: nginx)
        #expect(run.encodersOpened == 1)
        #expect(run.statuses == ["transcoding: 1280x720 exceeds 854x480"])
        let video = try #require(try FFprobe.streams(run.recording).first { $0.codecType == "video" })
        #expect(video.width == 854 && video.height == 480)
    }

    /// Compliant for 8 s, then keyframes 4 s apart for 8 s, then compliant again for 18 s:
    /// copy → encode (as soon as an interval runs past 2 s, at 10.07 s) → copy (at 26 s: the
    /// 12–16 s interval leaves the 4 s window at the 21 s keyframe, the window then starts at
    /// 16 s, and encoding stops after 10 s of compliance).
    @Test func aSourceThatChangesMidStreamSwitchesBothWays() async throws {
        let keyframes = Array(0...8) + [12] + Array(16..<34)
        let temporary = try TempDirectory("auto")
        let input = try Self.source("changing.flv", in: temporary, seconds: 34, keyframes: keyframes)
        let nginx = try await Nginx()
        let run = try Self.run(input, channel: "changing", nginx: nginx)

        #expect(run.encodersOpened == 1)
        #expect(run.statuses.count == 3, "\(run.statuses)")
        #expect(run.statuses.first?.hasPrefix("passthrough:") == true)
        #expect(run.statuses.dropFirst().first?.hasPrefix("transcoding: keyframe interval") == true)
        #expect(run.statuses.last?.hasPrefix("passthrough: the source meets the profile again") == true)

        // What a player sees: one continuous, decodable stream whose picture size follows the mode.
        let decoded = try runProgram(
            "/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-i", run.recording, "-f", "null", "-"])
        #expect(decoded.status == 0 && decoded.stderr.isEmpty, "decoding errors: \(decoded.stderr.prefix(2000))")
        let frames = try H264TranscoderTests.probe(
            run.recording, ["-select_streams", "v", "-show_entries", "frame=width,height,pts_time"])
        let sized = (frames["frames"] as? [[String: Any]] ?? []).compactMap { f -> (Double, Int)? in
            guard let t = (f["pts_time"] as? String).flatMap(Double.init), let w = f["width"] as? Int else { return nil }
            return (t, w)
        }
        let start = try #require(sized.first).0
        let widths = sized.map { (time: $0.0 - start, width: $0.1) }
        // Exactly two changes of picture size (the two switches) and no gap between frames.
        let changes = zip(widths.dropFirst(), widths).filter { $0.width != $1.width || $0.time - $1.time > 0.05 }
            .map { "\($1.time)→\($0.time): \($1.width)→\($0.width)" }
        #expect(changes.count == 2, "\(changes)")
        // Each mode has frames, all at its size (an empty span would prove nothing).
        for (span, width) in [(0.0..<9.9, 640), (10.2..<25.9, 854), (26.1..<34.0, 640)] {
            let inSpan = widths.filter { span.contains($0.time) }
            #expect(!inSpan.isEmpty && inSpan.allSatisfy { $0.width == width }, "\(span): \(Set(inSpan.map(\.width)))")
        }
        // No frame lost or duplicated across the switches: 34 s at 30 fps.
        #expect(abs(widths.count - 1020) <= 3, "\(widths.count) frames")
        let audio = try AudioJudge.packets(run.recording)
        #expect(audio.largestGap < 0.03, "audio has a \(audio.largestGap) s hole")
    }
}
