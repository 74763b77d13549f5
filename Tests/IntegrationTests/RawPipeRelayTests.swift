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
        await eventually(timeout: .seconds(15)) {
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
        let nginx = try await Nginx()
        let pipes = try TempDirectory("rawpipe")
        let video = pipes.file("cam.yuv"), audio = pipes.file("cam.pcm")
        let gateway = try Gateway(
            nginx: nginx, routes: Self.route(channel: "cam", directory: pipes.path, width: 320, height: 240, clock: "arrival"))
        defer { gateway.child.signal(SIGKILL) }
        #expect(await Self.fifosExist([video, audio]), "no FIFOs; log:\n\(gateway.log)")
        let first = try Self.writer(
            video: video, audio: audio, width: 320, height: 240, realtime: true, logDirectory: pipes.path, name: "writer1")
        defer { first.signal(SIGKILL) }

        let up = await eventually(timeout: .seconds(25)) { nginx.segments("cam").count >= 4 }
        #expect(up, "no HLS; log:\n\(gateway.log)\nwriter: \(first.stderr)")
        try expect480pHLS(nginx, "cam")

        // The writer dies: the relay reports its source gone, the gateway lives on.
        first.signal(SIGKILL)
        let reported = await eventually(timeout: .seconds(10)) {
            gateway.log.contains("relay failed: source: rawpipe: writer closed \(pipes.path)/cam.")
        }
        #expect(reported, "log:\n\(gateway.log)")
        #expect(gateway.child.isRunning)

        // The supervisor starts the relay again; a new writer makes it stream again.
        #expect(await eventually(timeout: .seconds(10)) { gateway.log.contains("relay restarting") })
        let second = try Self.writer(
            video: video, audio: audio, width: 320, height: 240, realtime: true, logDirectory: pipes.path, name: "writer2")
        defer { second.signal(SIGKILL) }
        let again = await eventually(timeout: .seconds(20)) {
            Self.occurrences(of: "relay active", in: gateway.log) >= 2 && nginx.publishSessions("cam").count >= 2
        }
        #expect(again, "log:\n\(gateway.log)")

        gateway.child.signal(SIGTERM)
        #expect(await gateway.child.wait(timeout: .seconds(20)) == 0)
    }

    /// A writer far faster than real time: the worker's memory stays flat and the
    /// dropped input is counted in the stats line, whichever clock the route uses.
    @Test(arguments: ["declared", "arrival"])
    func aWriterFasterThanRealTimeKeepsMemoryFlat(clock: String) async throws {
        let nginx = try await Nginx()
        let pipes = try TempDirectory("rawpipe")
        let video = pipes.file("fast.yuv"), audio = pipes.file("fast.pcm")
        let gateway = try Gateway(
            nginx: nginx,
            routes: Self.route(channel: "fast", directory: pipes.path, width: 1280, height: 720, clock: clock))
        defer { gateway.child.signal(SIGKILL) }
        #expect(await Self.fifosExist([video, audio]), "no FIFOs; log:\n\(gateway.log)")
        let worker = try #require(gateway.workers.first?.pid)
        // A flat (black) picture costs ffmpeg almost nothing, so it writes as fast as the pipes take it.
        let writer = try Self.writer(
            video: video, audio: audio, width: 1280, height: 720, realtime: false, picture: "color",
            logDirectory: pipes.path, name: "writer")
        defer { writer.signal(SIGKILL) }

        var samples: [Int] = []
        for _ in 0..<5 {
            try await Task.sleep(for: .seconds(3))
            samples.append(Self.residentKilobytes(worker) ?? -1)
        }
        let line = gateway.log.split(separator: "\n").last { $0.contains("relay stats") && $0.contains("dropped_in=") }
        print("rawpipe fast writer, clock \(clock): worker VmRSS kB at 3 s intervals: \(samples); \(line ?? "no stats line")")
        #expect(writer.isRunning, "writer: \(writer.stderr)")
        #expect(samples.allSatisfy { $0 > 0 && $0 < Self.rssBoundKB }, "\(samples)")
        #expect(samples[4] - samples[2] < 20_000, "RSS grew: \(samples)")
        let dropped = line.flatMap { $0.split(separator: " ").first { $0.hasPrefix("dropped_in=") } }
            .flatMap { Int($0.dropFirst("dropped_in=".count)) }
        #expect((dropped ?? 0) > 100, "log:\n\(gateway.log)")
        #expect(nginx.segments("fast").count >= 2)
    }

    /// Measured about 95 MB (debug build, 1280x720 writer, 480p encode); the margin covers build and machine variance.
    static let rssBoundKB = 160_000

    static func residentKilobytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
    }
}
