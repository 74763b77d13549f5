import Foundation
import H264Transcoder
import Logging
import MediaEngine
import PullSource
import RTMPSink
import RelayCore
import Testing
import TestSupport

/// The `h264` transcoder in a real pipeline: a file read by PullSource, transcoded in
/// process, pushed by RTMPSink into nginx-rtmp, judged by ffprobe on nginx's HLS output.
/// Small sizes and ultrafast keep it cheap on a 2-core CI machine.
@Suite(.serialized) struct H264TranscoderTests {
    static func options(gop: Duration = .seconds(1)) -> H264TranscoderPlugin.Options {
        .init(video: .init(width: 426, height: 240, fps: 30, bitrate: 400_000, gop: gop, preset: "ultrafast"))
    }

    /// Runs file → h264 → nginx as fast as the pipeline goes. Returns every HLS segment nginx
    /// wrote, joined with `concat:` (the playlist has no ENDLIST, so ffprobe would read it as
    /// live: from its last 3 segments only, waiting for more), and the transcoder's outputs.
    static func relay(_ input: URL, options: H264TranscoderPlugin.Options, nginx: Nginx, channel: String) throws
        -> (recording: String, outputs: [StreamInfo])
    {
        let context = StageContext(route: "r", channel: channel, logger: Logger(label: "test"), stop: StopSignal())
        let transcoder = try H264TranscoderPlugin.makeTranscoder(options: options, context: context)
        let result = try relay(input, through: transcoder, context: context, nginx: nginx)
        return (result.recording, result.outputs)
    }

    /// Runs file → `transcoder` → nginx; `onPacket` sees every transcoder output packet.
    static func relay(
        _ input: URL, through transcoder: any MediaTranscoder, context: StageContext, nginx: Nginx,
        onPacket: (MediaPacket) -> Void = { _ in }
    ) throws -> (recording: String, outputs: [StreamInfo]) {
        let source = try PullSourcePlugin.makeSource(options: .init(file: input.path, realtime: false), context: context)
        let sinkURL = try RemoteURL("rtmp://127.0.0.1:\(nginx.rtmpPort)/live/{channel}", allowedSchemes: ["rtmp"])
        let sink = try RTMPSinkPlugin.makeSink(options: .init(url: sinkURL), context: context)
        let outputs = try transcoder.open(inputs: try source.open())
        try sink.open(streams: outputs)
        var batch: [MediaPacket] = []
        while let packet = try source.read() {
            batch.removeAll(keepingCapacity: true)
            try transcoder.process(packet, into: &batch)
            for out in batch {
                onPacket(out)
                try sink.write(out)
            }
        }
        batch.removeAll()
        try transcoder.flush(into: &batch)
        for out in batch {
            onPacket(out)
            try sink.write(out)
        }
        try sink.close()
        source.close()
        let channel = context.channel
        try nginx.waitUntilPublishEnded(channel)
        let directory = URL(fileURLWithPath: nginx.playlistPath(channel)).deletingLastPathComponent().path
        let segments = nginx.segments(channel).map { "\(directory)/\($0)" }
        guard !segments.isEmpty else { throw TestFailure("nginx wrote no HLS segments for \(channel)") }
        return ("concat:" + segments.joined(separator: "|"), outputs)
    }

    /// ffprobe's JSON for `arguments` + `url`.
    static func probe(_ url: String, _ arguments: [String]) throws -> [String: Any] {
        let result = try runProgram("/usr/bin/ffprobe", ["-v", "error", "-of", "json"] + arguments + [url])
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else { throw TestFailure("ffprobe \(url) failed: \(result.stderr)") }
        return json
    }

    /// Times (s) of the video keyframes, the number of video packets and their total bytes.
    static func videoPackets(_ url: String) throws -> (keyframes: [Double], count: Int, bytes: Int) {
        let json = try probe(url, ["-select_streams", "v", "-show_entries", "packet=pts_time,flags,size"])
        let packets = json["packets"] as? [[String: Any]] ?? []
        let keys = packets.filter { ($0["flags"] as? String ?? "").hasPrefix("K") }
            .compactMap { ($0["pts_time"] as? String).flatMap(Double.init) }
        let bytes = packets.compactMap { ($0["size"] as? String).flatMap { Int($0) } }.reduce(0, +)
        return (keys.sorted(), packets.count, bytes)
    }

    @Test func landscape25fpsBecomesExactSize30fpsFixedGOPAndStereoAAC() async throws {
        let temporary = try TempDirectory("h264")
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("in.flv")
        // 20 s of 640x360 @ 25 fps with a 1 s GOP that does not line up with the output's 2 s.
        try FFmpeg.generate(input.path, seconds: 20, width: 640, height: 360, fps: 25, gopFrames: 25, preset: "ultrafast")
        let nginx = try await Nginx()
        let (recording, outputs) = try Self.relay(
            input, options: Self.options(gop: .seconds(2)), nginx: nginx, channel: "land")
        #expect(outputs.map(\.index) == [0, 1])
        #expect(outputs[0].timeBase == Rational(1, 30) && outputs[1].timeBase == Rational(1, 48000))
        #expect(!outputs[0].extradata.isEmpty && !outputs[1].extradata.isEmpty)

        let streams = try FFprobe.streams(recording)
        let video = try #require(streams.first { $0.codecType == "video" })
        #expect(video.codecName == "h264")
        #expect(video.width == 426 && video.height == 240)
        #expect(video.frameRate == 30)

        let audioJSON = try Self.probe(
            recording,
            ["-select_streams", "a", "-show_entries", "stream=codec_name,profile,sample_rate,channels,start_time"])
        let audio = try #require((audioJSON["streams"] as? [[String: Any]])?.first)
        #expect(audio["codec_name"] as? String == "aac")
        #expect(audio["profile"] as? String == "LC")
        #expect(audio["sample_rate"] as? String == "48000")
        #expect(audio["channels"] as? Int == 2)
        // Audio and video start together, as they did in the source.
        let audioStart = try #require((audio["start_time"] as? String).flatMap(Double.init))
        let videoStart = try #require(try Self.videoPackets(recording).keyframes.first)
        #expect(abs(audioStart - videoStart) < 0.05, "audio starts at \(audioStart), video at \(videoStart)")

        // Keyframes exactly every 2 s (the GOP) over 20 s, no scene-cut extras; 30 frames a second.
        let packets = try Self.videoPackets(recording)
        let gaps = zip(packets.keyframes.dropFirst(), packets.keyframes).map { $0 - $1 }
        #expect(packets.keyframes.count == 10, "\(packets.keyframes)")
        #expect(gaps.allSatisfy { abs($0 - 2.0) < 0.002 }, "keyframe gaps \(gaps)")
        #expect(abs(packets.count - 20 * 30) <= 3, "\(packets.count) video packets for 20 s")
        // CBR-like: the average video bitrate is within 15 % of the target.
        let bitrate = Double(packets.bytes * 8) / (Double(packets.count) / 30)
        #expect(abs(bitrate / 400_000 - 1) <= 0.15, "average video bitrate \(Int(bitrate)) b/s")
    }

    @Test func resolutionChangeMidStreamIsScaledIntoTheSameOutput() async throws {
        let temporary = try TempDirectory("h264")
        // 3 s at 640x360, then 3 s at 320x240, in one MPEG-TS (codec parameters change in-band).
        for (name, width, height) in [("a", 640, 360), ("b", 320, 240)] {
            try FFmpeg.generate("\(temporary.path)/\(name).ts", seconds: 3, width: width, height: height, preset: "ultrafast")
        }
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("both.ts")
        try FFmpeg.run(["-i", "concat:\(temporary.path)/a.ts|\(temporary.path)/b.ts", "-c", "copy", input.path])
        let nginx = try await Nginx()
        let (recording, _) = try Self.relay(input, options: Self.options(), nginx: nginx, channel: "resize")
        let video = try #require(try FFprobe.streams(recording).first { $0.codecType == "video" })
        #expect(video.width == 426 && video.height == 240)
        // Every frame of both parts came out, at one size: ffmpeg decodes it without a resize.
        let packets = try Self.videoPackets(recording)
        #expect(abs(packets.count - 6 * 30) <= 6, "\(packets.count) video packets for 6 s")
        let sizes = try runProgram(
            "/usr/bin/ffprobe",
            ["-v", "error", "-select_streams", "v", "-show_entries", "frame=width,height", "-of", "csv=p=0", recording])
        let decoded = Set(sizes.stdout.split(separator: "\n").map { $0.split(separator: ",").joined(separator: "x") })
        #expect(decoded == ["426x240"], "decoded sizes: \(decoded)")
    }

    @Test func portraitSourceStaysPortrait() async throws {
        let temporary = try TempDirectory("h264")
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("portrait.flv")
        try FFmpeg.generate(input.path, seconds: 2, width: 360, height: 640, fps: 30, preset: "ultrafast")
        let nginx = try await Nginx()
        let (recording, outputs) = try Self.relay(input, options: Self.options(), nginx: nginx, channel: "tall")
        #expect(outputs[0].width == 240 && outputs[0].height == 426)
        let video = try #require(try FFprobe.streams(recording).first { $0.codecType == "video" })
        #expect(video.width == 240 && video.height == 426)
        #expect(video.frameRate == 30)
    }

    /// A video-only source still gets an audio track: silence as long as the video, so HLS
    /// players (which wait for both) never stall.
    @Test func videoOnlySourceGetsASilentAudioTrack() async throws {
        let temporary = try TempDirectory("h264")
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("silent.flv")
        try FFmpeg.run([
            "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
            "-t", "4", "-an", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", input.path,
        ])
        let nginx = try await Nginx()
        let (recording, outputs) = try Self.relay(input, options: Self.options(), nginx: nginx, channel: "mute")
        #expect(outputs.map(\.kind) == [.video, .audio])
        // 4:3 into 426x240, padded: the canvas is exactly the bounds.
        #expect(outputs[0].width == 426 && outputs[0].height == 240)
        let video = try #require(try FFprobe.streams(recording).first { $0.codecType == "video" })
        #expect(video.width == 426 && video.height == 240 && video.frameRate == 30)
        let audio = try AudioJudge.packets(recording)
        #expect(abs(audio.duration - 4.0) < AudioJudge.tailTolerance, "audio covers \(audio.duration) s of 4 s of video")
        #expect(audio.largestGap < 0.03, "audio has a \(audio.largestGap) s hole")
        #expect(try AudioJudge.meanVolume(recording) < -80, "the filled audio is not silent")
    }

    /// A 60 fps source into a 30 fps profile: every other frame is dropped, timing exact.
    @Test func sixtyFpsSourceBecomesThirty() async throws {
        let temporary = try TempDirectory("h264")
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("fast.flv")
        try FFmpeg.generate(input.path, seconds: 2, width: 640, height: 360, fps: 60, preset: "ultrafast")
        let nginx = try await Nginx()
        let (recording, _) = try Self.relay(input, options: Self.options(), nginx: nginx, channel: "fast")
        let video = try #require(try FFprobe.streams(recording).first { $0.codecType == "video" })
        #expect(video.frameRate == 30 && video.width == 426 && video.height == 240)
        let packets = try Self.videoPackets(recording)
        #expect(abs(packets.count - 2 * 30) <= 2, "\(packets.count) video packets for 2 s")
        #expect(zip(packets.keyframes.dropFirst(), packets.keyframes).allSatisfy { abs($0 - $1 - 1.0) < 0.002 })
    }
}
