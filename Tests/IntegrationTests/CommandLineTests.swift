import Foundation
import Testing
import TestSupport

/// `relaygate validate`, `relaygate relay` and `relaygate version` as ops run them.
@Suite(.serialized)
struct CommandLineTests {
    @Test func validateAcceptsTheShippedExampleConfig() throws {
        let config = try TempDirectory("config")
        try FileManager.default.copyItem(
            atPath: "\(RelaygateBinary.repositoryRoot)/conf.d", toPath: config.file("conf.d"))
        try FileManager.default.copyItem(
            atPath: "\(RelaygateBinary.repositoryRoot)/packaging/relaygate.yaml", toPath: config.file("relaygate.yaml"))
        let result = try runProgram(RelaygateBinary.path, ["validate", "--config", config.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("configuration ok"))
        #expect(result.stdout.split(separator: "\n").count == 1)
    }

    @Test func validateReportsEveryProblemWithItsPosition() throws {
        let config = try TempDirectory("config")
        try config.write(
            "conf.d/30-routes.yaml",
            """
            routes:
              cam:
                channel: demo
                source: { type: pull, url: "concat:/etc/passwd|/etc/hosts" }
                outputs: [nowhere]
            """)
        let result = try runProgram(RelaygateBinary.path, ["validate", "--config", config.path])
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(config.path)/conf.d/30-routes.yaml:4:") && $0.contains("protocol \"concat\" is not allowed") })
        #expect(lines.contains { $0.hasPrefix("\(config.path)/conf.d/30-routes.yaml:5:") && $0.contains("unknown platform \"nowhere\"") })
    }

    /// Route patterns are checked by `validate`: a regex that does not compile, and a
    /// `channelId` group that could capture non-digits, each at the position of its `match`.
    @Test func validateReportsBadRoutePatternsWithTheirPosition() throws {
        let config = try TempDirectory("config")
        try config.write(
            "conf.d/30-routes.yaml",
            """
            platforms:
              local: { type: rtmp, url: "rtmp://127.0.0.1/live/{channel}" }
            routes:
              broken:
                match: "~seller_(?<channelId>[0-9]+"
                source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
              letters:
                match: '~seller_(?<channelId>[a-z]+)'
                source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
            """)
        let result = try runProgram(RelaygateBinary.path, ["validate", "--config", config.path])
        #expect(result.status != 0)
        let file = "\(config.path)/conf.d/30-routes.yaml"
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(file):5:12: ") && $0.contains("invalid regular expression") }, "\(result.stderr)")
        #expect(
            lines.contains("\(file):9:12: \"match\": capture channelId must match digits only (it is the channel's database id)"),
            "\(result.stderr)")
    }

    /// A forbidden protocol is refused before anything is opened: the input is a FIFO, and a
    /// writer blocked on opening it would be released the moment anyone opened it to read.
    @Test(arguments: ["file:", "concat:", "pipe:", "subfile:", "unix:", "tcp://", "udp://", "data:", "crypto:", "async:"])
    func relayRefusesForbiddenProtocols(_ prefix: String) async throws {
        let directory = try TempDirectory("fifo")
        let fifo = directory.file("input")
        #expect(mkfifo(fifo, 0o600) == 0)
        let opened = OpenFlag()
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            opened.set()
            if fd >= 0 { close(fd) }
        }
        writer.start()
        let input = prefix.hasSuffix("//") ? "\(prefix)127.0.0.1:9/\(fifo)" : "\(prefix)\(fifo)"
        let result = try runProgram(RelaygateBinary.path, ["relay", input, "rtmp://127.0.0.1:1/live/x", "--duration", "2s"])
        #expect(result.status == 2, "\(result.stderr)")
        let scheme = String(prefix.prefix { $0 != ":" })
        #expect(result.stderr.contains("protocol \"\(scheme)\" is not allowed"), "\(result.stderr)")
        try await Task.sleep(for: .milliseconds(300))
        #expect(!opened.isSet, "the FIFO was opened")
        // Release the writer thread.
        let fd = open(fifo, O_RDONLY | O_NONBLOCK)
        if fd >= 0 { close(fd) }
    }

    @Test func relayCommandPushesAFileToNginx() async throws {
        let nginx = try await Nginx()
        let media = try TempDirectory("media")
        let input = media.file("sample.mp4")
        try FFmpeg.generate(input, seconds: 3, width: 426, height: 240, fps: 30)
        let result = try runProgram(
            RelaygateBinary.path,
            ["relay", input, nginx.publishURL("live", "adhoc"), "--loop", "--duration", "6s", "--stats-interval", "2s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("relay stats state=active"))
        let segments = nginx.segments("adhoc")
        #expect(segments.count >= 4, "segments: \(segments)")
        let video = try #require(try FFprobe.streams(nginx.playlistURL("adhoc")).first { $0.codecType == "video" })
        #expect(video.codecName == "h264" && video.width == 426 && video.height == 240)
        // The stream key never reaches the log.
        #expect(!result.stderr.contains("/live/adhoc"))
        #expect(nginx.publishSessions("adhoc").allSatisfy { $0.clean })
    }

    /// `--profile NAME` transcodes with a built-in h264 profile: a 25 fps 320x180 file comes
    /// out of nginx at the profile's exact size and 30 fps.
    @Test(arguments: [("480p", 854, 480), ("720p", 1280, 720), ("1080p", 1920, 1080)])
    func relayCommandTranscodesWithABuiltInProfile(_ profile: String, _ width: Int, _ height: Int) async throws {
        let nginx = try await Nginx()
        let media = try TempDirectory("media")
        let input = media.file("small.mp4")
        try FFmpeg.generate(input, seconds: 2, width: 320, height: 180, fps: 25, preset: "ultrafast")
        let result = try runProgram(
            RelaygateBinary.path,
            ["relay", input, nginx.publishURL("live", "hd"), "--profile", profile, "--duration", "2s"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!nginx.segments("hd").isEmpty)
        let video = try #require(try FFprobe.streams(nginx.playlistURL("hd")).first { $0.codecType == "video" })
        #expect(video.codecName == "h264" && video.width == width && video.height == height && video.frameRate == 30)
    }

    @Test func relayCommandNamesTheBuiltInProfiles() throws {
        let unknown = try runProgram(RelaygateBinary.path, ["relay", "/nonexistent.mp4", "rtmp://127.0.0.1:1/live/x", "--profile", "4k"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("expected one of: passthrough, 1080p, 720p, 480p"), "\(unknown.stderr)")
    }

    /// One destination refusing us does not stop the others; when none is left, the relay
    /// fails with a destination error instead of running on with nowhere to send.
    @Test func aFailedOutputIsIsolatedAndAllFailedEndsTheRelay() async throws {
        let nginx = try await Nginx()
        let media = try TempDirectory("media")
        let input = media.file("sample.flv")
        try FFmpeg.generate(input, seconds: 2, width: 320, height: 240, fps: 25)
        let closed = "rtmp://127.0.0.1:\(FreePort.next())/live/SECRETKEY"

        let mixed = try runProgram(
            RelaygateBinary.path,
            ["relay", input, closed, nginx.publishURL("live", "good"), "--loop", "--duration", "5s", "--stats-interval", "2s"])
        #expect(mixed.status == 0, "\(mixed.stderr)")
        #expect(nginx.segments("good").count >= 3)
        #expect(mixed.stderr.contains("output[output1]=failed"))
        #expect(mixed.stderr.contains("output[output2]=active"))
        #expect(!mixed.stderr.contains("SECRETKEY"))

        let allBad = try runProgram(RelaygateBinary.path, ["relay", input, closed, "--loop", "--duration", "20s"])
        #expect(allBad.status == 1)
        #expect(allBad.stderr.contains("relay failed: destination: every output failed"), "\(allBad.stderr)")
    }

    @Test func versionNamesTheLibraries() throws {
        let result = try runProgram(RelaygateBinary.path, ["version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("relaygate "))
        #expect(result.stdout.contains("libavformat 59."))
        #expect(result.stdout.contains("libyaml 0.2"))
    }
}

final class OpenFlag: @unchecked Sendable {
    // @unchecked: guarded by the lock.
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
