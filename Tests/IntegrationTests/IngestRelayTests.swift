import Foundation
import Testing
import TestSupport

/// The RTMP ingest end to end: real publishers (the ffmpeg CLI) push to `relaygate run`,
/// whose relays pass the streams through to a real nginx-rtmp; ffprobe and ffmpeg judge
/// what nginx made of them.
@Suite(.serialized)
struct IngestRelayTests {
    /// A gateway whose ingest listens on a free loopback port.
    struct Setup {
        let nginx: Nginx
        let gateway: Gateway
        let ingestPort: Int
        let scratch: TempDirectory

        init(routes: String, ingest: String = "", settings: String = "") async throws {
            nginx = try await Nginx()
            ingestPort = FreePort.next()
            scratch = try TempDirectory("ingest")
            gateway = try Gateway(
                nginx: nginx, routes: routes,
                settings: "stats_interval: 2s\nrestart_delay: 500ms\n\(settings)ingest:\n  listen: 127.0.0.1:\(ingestPort)\n\(ingest)")
            let listening = await eventually(timeout: .seconds(10)) { FreePort.isListening(ingestPort) }
            guard listening else { throw TestFailure("ingest not listening; log:\n\(gateway.log)") }
        }

        func url(_ app: String = "live", _ key: String) -> String { "rtmp://127.0.0.1:\(ingestPort)/\(app)/\(key)" }

        /// The ffmpeg CLI pushing `file` as it is (`-c copy`) in real time, once or looped.
        func push(_ file: String, to url: String, loop: Bool = false, name: String = "pusher") throws -> ChildProcess {
            try ChildProcess(
                "/usr/bin/ffmpeg",
                ["-hide_banner", "-nostdin", "-loglevel", "error", "-re"] + (loop ? ["-stream_loop", "-1"] : [])
                    + ["-i", file, "-c", "copy", "-f", "flv", url],
                logDirectory: scratch.path, name: name)
        }
    }

    static func route(_ name: String, channel: String, source: String, extra: String = "") -> String {
        """
          \(name):
            channel: \(channel)
            source: \(source)
            profile: passthrough
            outputs: [nginx]
        \(extra)
        """
    }

    /// Per video frame of `url`: the MD5 of the decoded picture, in order.
    static func videoFrameHashes(_ url: String) throws -> [String] {
        let result = try runProgram(
            "/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-map", "0:v", "-f", "framemd5", "-"])
        guard result.status == 0 else { throw TestFailure("framemd5 of \(url): \(result.stderr)") }
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap {
            $0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    @Test func ffmpegPublisherIsPassedThroughUnchangedToNginx() async throws {
        let key = "studio-\(UUID().uuidString)"
        let setup = try await Setup(
            routes: "routes:\n"
                + Self.route("studio", channel: "studio", source: "{ type: rtmp, key: \"\(key)\" }", extra: "    reconnect_window: 0s\n"))
        defer { setup.gateway.child.signal(SIGKILL) }
        let source = setup.scratch.file("source.flv")
        try FFmpeg.generate(source, seconds: 8, width: 640, height: 360, fps: 25, gopFrames: 25)

        let pusher = try setup.push(source, to: setup.url("live", key))
        let status = await pusher.wait(timeout: .seconds(30))
        #expect(status == 0, "ffmpeg publisher: \(pusher.stderr)\ngateway:\n\(setup.gateway.log)")

        let recording = try await setup.nginx.recording("studio")
        let probed = try FFprobe.streams(recording)
        let video = try #require(probed.first { $0.codecType == "video" })
        let audio = try #require(probed.first { $0.codecType == "audio" })
        #expect(video.codecName == "h264" && video.width == 640 && video.height == 360, "\(video)")
        #expect(abs((video.frameRate ?? 0) - 25) < 0.5, "\(video)")
        let sourceAudio = try #require(try FFprobe.streams(source).first { $0.codecType == "audio" })
        #expect(audio.codecName == "aac" && audio.sampleRate == 48000 && audio.channels == sourceAudio.channels, "\(audio)")

        // Passed through: every picture nginx received decodes to exactly the source's.
        let sent = try Self.videoFrameHashes(source)
        let received = try Self.videoFrameHashes(recording)
        #expect(sent.count == 200)
        let firstDifference = zip(received, sent).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(received == sent, "received \(received.count) of \(sent.count) pictures; first difference at \(String(describing: firstDifference))")
        // The key never reached the log.
        #expect(!setup.gateway.log.contains(key))
        #expect(setup.gateway.log.contains("publishing"), "\(setup.gateway.log)")
    }
}
