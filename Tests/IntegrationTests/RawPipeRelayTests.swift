import Foundation
import Glibc
import Testing
import TestSupport

/// The daemon reading a `rawpipe` source: an ffmpeg process plays the capture program,
/// writing raw yuv420p and s16le into the FIFOs relaygate made.
@Suite(.serialized)
struct RawPipeRelayTests {
    /// A route reading `<directory>/<channel>.yuv` and `.pcm`, encoded with `profile`.
    static func route(
        channel: String, directory: String, width: Int, height: Int, clock: String, profile: String = "480p"
    ) -> String {
        """
        routes:
          piped:
            channel: \(channel)
            source:
              type: rawpipe
              video:
                path: \(directory)/{channel}.yuv
                width: \(width)
                height: \(height)
                fps: 30
              audio:
                path: \(directory)/{channel}.pcm
                sample_rate: 48000
                channels: 2
              clock: \(clock)
            profile: \(profile)
            outputs: [nginx]
        """
    }

    /// The writer: lavfi picture and tone as raw frames and samples into the two FIFOs,
    /// in real time (`-re`) or as fast as it can.
    static func writer(
        video: String, audio: String, width: Int, height: Int, realtime: Bool, picture: String = "testsrc2",
        logDirectory: String, name: String
    ) throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + (realtime ? ["-re"] : [])
                + ["-f", "lavfi", "-i", "\(picture)=size=\(width)x\(height):rate=30"]
                + (realtime ? ["-re"] : []) + ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000"]
                + ["-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p", video]
                + ["-map", "1:a", "-f", "s16le", "-ac", "2", "-ar", "48000", audio],
            logDirectory: logDirectory, name: name)
    }

    /// Waits until relaygate has made both FIFOs: a writer opening a missing path would
    /// create a regular file there instead.
    static func fifosExist(_ paths: [String]) async -> Bool {
        await eventually(timeout: .seconds(30)) {
            paths.allSatisfy { path in
                var info = stat()
                return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFIFO
            }
        }
    }

    static func occurrences(of needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func writerFeedsA480pRelayAndItsDeathIsReported() async throws {
        let pipes = try TempDirectory("rawpipe")
        let video = pipes.file("cam.yuv"), audio = pipes.file("cam.pcm")
        let gateway = try await GatewayHarness(
            routes: Self.route(channel: "cam", directory: pipes.path, width: 320, height: 240, clock: "arrival"))
        defer { gateway.stop() }
        let nginx = gateway.nginx
        #expect(await Self.fifosExist([video, audio]), "no FIFOs; log:\n\(gateway.log)")
        let first = try Self.writer(
            video: video, audio: audio, width: 320, height: 240, realtime: true, logDirectory: pipes.path, name: "writer1")
        defer { first.signal(SIGKILL) }

        let up = await eventually(timeout: .seconds(30)) { nginx.segments("cam").count >= 4 }
        #expect(up, "no HLS; log:\n\(gateway.log)\nwriter: \(first.stderr)")
        try expect480pHLS(nginx, "cam")

        // The writer dies: the relay reports its source gone, the gateway lives on.
        first.signal(SIGKILL)
        let reported = await eventually(timeout: .seconds(30)) {
            gateway.log.contains("relay failed: source: rawpipe: writer closed \(pipes.path)/cam.")
        }
        #expect(reported, "log:\n\(gateway.log)")
        #expect(gateway.child.isRunning)

        // The supervisor starts the relay again; a new writer makes it stream again.
        #expect(await eventually(timeout: .seconds(30)) { gateway.log.contains("relay restarting") })
        let second = try Self.writer(
            video: video, audio: audio, width: 320, height: 240, realtime: true, logDirectory: pipes.path, name: "writer2")
        defer { second.signal(SIGKILL) }
        let again = await eventually(timeout: .seconds(30)) {
            Self.occurrences(of: "relay active", in: gateway.log) >= 2 && nginx.publishSessions("cam").count >= 2
        }
        #expect(again, "log:\n\(gateway.log)")

        #expect(await gateway.terminate() == 0)
    }

    /// A writer far faster than real time: the relay keeps the pace of its clock, drops the
    /// excess input and counts it in the stats line, whichever clock the route uses, while the
    /// writer runs on. (The worker's memory under such a writer is measured in
    /// bench/rawpipe_memory.sh.)
    @Test(arguments: ["declared", "arrival"])
    func aWriterFasterThanRealTimeHasItsExcessDroppedAndCounted(clock: String) async throws {
        let pipes = try TempDirectory("rawpipe")
        let video = pipes.file("fast.yuv"), audio = pipes.file("fast.pcm")
        let gateway = try await GatewayHarness(
            routes: Self.route(channel: "fast", directory: pipes.path, width: 1280, height: 720, clock: clock))
        defer { gateway.stop() }
        #expect(await Self.fifosExist([video, audio]), "no FIFOs; log:\n\(gateway.log)")
        // A flat (black) picture costs ffmpeg almost nothing, so it writes as fast as the pipes take it.
        let writer = try Self.writer(
            video: video, audio: audio, width: 1280, height: 720, realtime: false, picture: "color",
            logDirectory: pipes.path, name: "writer")
        defer { writer.signal(SIGKILL) }

        var dropped: Int?
        let counted = await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
            let line = gateway.log.split(separator: "\n").last { $0.contains("relay stats") && $0.contains("dropped_in=") }
            dropped = line.flatMap { $0.split(separator: " ").first { $0.hasPrefix("dropped_in=") } }
                .flatMap { Int($0.dropFirst("dropped_in=".count)) }
            return (dropped ?? 0) > 100
        }
        #expect(counted, "dropped_in \(String(describing: dropped)); log:\n\(gateway.log)")
        #expect(await gateway.hlsFlows("fast"), "no HLS; log:\n\(gateway.log)")
        #expect(writer.isRunning, "writer: \(writer.stderr)")
        #expect(gateway.child.isRunning && !gateway.log.contains("died unexpectedly"), "\(gateway.log)")
    }
}
