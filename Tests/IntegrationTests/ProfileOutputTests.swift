import Foundation
import Testing
import TestSupport

/// What a platform receives from each built-in h264 profile, judged as a user would judge
/// it: `relaygate relay` pushes a generated file to nginx-rtmp as fast as it can encode
/// (not in real time, to keep CI short), and ffprobe reads nginx's HLS of the stream.
@Suite(.serialized)
struct ProfileOutputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var profile: String
        var width: Int
        var height: Int
        var bitrate: Int
        /// Sources of 30, 60 and 25 fps: the 720p and 480p cases also judge frame-rate conversion.
        var source: (width: Int, height: Int, fps: Int, bitrate: String)
        var testDescription: String { "\(profile) from \(source.width)x\(source.height)@\(source.fps)" }
    }

    static let cases: [Case] = [
        Case(profile: "1080p", width: 1920, height: 1080, bitrate: 4_500_000, source: (1920, 1080, 30, "8M")),
        Case(profile: "720p", width: 1280, height: 720, bitrate: 3_000_000, source: (1920, 1080, 60, "8M")),
        Case(profile: "480p", width: 854, height: 480, bitrate: 1_200_000, source: (1280, 720, 25, "4M")),
    ]

    /// 22 s of source gives keyframes over more than 20 s of output.
    static let seconds = 22

    @Test(arguments: cases)
    func builtInProfileGivesExactSizeRateGOPBitrateAndAAC(_ c: Case) async throws {
        let media = try TempDirectory("media")
        let input = media.file("source.mp4")
        // Grain in every frame, so the encoder has enough to spend its bitrate on.
        try FFmpeg.generate(
            input, seconds: Self.seconds, width: c.source.width, height: c.source.height, fps: c.source.fps,
            bitrate: c.source.bitrate, preset: "ultrafast", noise: 12)
        let nginx = try await Nginx()
        let recording = try await Self.relay(input, profile: c.profile, to: nginx)

        let streams = try FFprobe.streams(recording)
        let video = try #require(streams.first { $0.codecType == "video" })
        #expect(video.codecName == "h264" && video.width == c.width && video.height == c.height, "\(video)")
        #expect(video.frameRate == 30, "\(video)")
        let audio = try #require(streams.first { $0.codecType == "audio" })
        #expect(audio.codecName == "aac" && audio.profile == "LC", "\(audio)")
        #expect(audio.sampleRate == 48000 && audio.channels == 2, "\(audio)")

        let packets = try FFprobe.packets(recording, kind: "video")
        Self.expectConstant30fpsWithTwoSecondGOP(packets, seconds: Self.seconds)
        // Average video bitrate over the whole stream, against the profile's target.
        let bitrate = Double(packets.map(\.size).reduce(0, +) * 8) / (Double(packets.count) / 30)
        #expect(abs(bitrate / Double(c.bitrate) - 1) <= 0.15, "average video bitrate \(Int(bitrate)) b/s")
    }

    /// A phone held upright: the 720p profile bounds the long edge, so the output stays portrait.
    @Test func portraitSourceInto720pStaysPortrait() async throws {
        let media = try TempDirectory("media")
        let input = media.file("portrait.mp4")
        try FFmpeg.generate(input, seconds: 4, width: 720, height: 1280, fps: 30, bitrate: "2M", preset: "ultrafast")
        let nginx = try await Nginx()
        let recording = try await Self.relay(input, profile: "720p", to: nginx)
        let video = try #require(try FFprobe.streams(recording).first { $0.codecType == "video" })
        #expect(video.width == 720 && video.height == 1280 && video.frameRate == 30, "\(video)")
        Self.expectConstant30fpsWithTwoSecondGOP(try FFprobe.packets(recording, kind: "video"), seconds: 4)
    }

    /// Runs `relaygate relay INPUT rtmp://…/live/out --profile PROFILE` to the end of the file.
    static func relay(_ input: String, profile: String, to nginx: Nginx) async throws -> String {
        let result = try runProgram(
            RelaygateBinary.path,
            ["relay", input, nginx.publishURL("live", "out"), "--profile", profile, "--realtime", "false", "--log-level", "warning"])
        #expect(result.status == 0, "relaygate relay failed: \(result.stderr)")
        return try await nginx.recording("out")
    }

    /// Every frame on the 1/30 s grid (to the millisecond) with no gap or repeat of a slot,
    /// `seconds` long, and keyframes exactly every 2 s (± half a frame) from the first frame on.
    static func expectConstant30fpsWithTwoSecondGOP(
        _ packets: [ProbedPacket], seconds: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let start = packets.first?.time else {
            Issue.record("no video packets", sourceLocation: sourceLocation)
            return
        }
        let frames = packets.map { ($0.time - start) * 30 }
        // RTMP carries whole milliseconds: a slot of 33.33 ms arrives up to 0.5 ms off the grid.
        let offGrid = frames.filter { abs($0 - $0.rounded()) / 30 > 0.000_501 }
        #expect(offGrid.isEmpty, "pts not on the 1/30 s grid (in frames): \(offGrid.prefix(5))", sourceLocation: sourceLocation)
        let steps = Set(zip(frames.dropFirst(), frames).map { ($0 - $1).rounded() })
        #expect(steps == [1], "frame steps (in frames): \(steps.sorted())", sourceLocation: sourceLocation)
        // Exactly as long as the source, its first picture at 0 (not repeated into the 0 slot).
        #expect(packets.count == seconds * 30, "\(packets.count) frames for \(seconds) s", sourceLocation: sourceLocation)

        let keyframes = packets.filter(\.isKeyframe).map(\.time)
        #expect(keyframes.first == start, "the stream does not start with a keyframe", sourceLocation: sourceLocation)
        let gaps = zip(keyframes.dropFirst(), keyframes).map { $0 - $1 }
        #expect(gaps.allSatisfy { abs($0 - 2) <= 1.0 / 60 }, "keyframe gaps \(gaps)", sourceLocation: sourceLocation)
        let span = (keyframes.last ?? start) - start
        #expect(span >= Double(seconds - 2), "keyframes over \(span) s only", sourceLocation: sourceLocation)
    }
}
