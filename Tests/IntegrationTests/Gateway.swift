import Foundation
import Testing
import TestSupport

/// A `relaygate run` daemon under test, with a config directory written by the test.
final class Gateway: @unchecked Sendable {
    let config: TempDirectory
    let child: ChildProcess

    /// `routes` is the YAML of conf.d/30-routes.yaml; platform `nginx` pushes to `live/{channel}`.
    init(
        nginx: Nginx, routes: String, settings: String = "stats_interval: 2s\nrestart_delay: 500ms\n",
        environment: [String: String] = [:]
    ) throws {
        config = try TempDirectory("gateway")
        try config.write("relaygate.yaml", settings)
        try config.write(
            "conf.d/20-platforms.yaml",
            """
            platforms:
              nginx:
                type: rtmp
                url: "rtmp://127.0.0.1:\(nginx.rtmpPort)/live/{channel}"
                playback_url: "\(nginx.playlistURL("{channel}"))"
            """)
        try config.write("conf.d/30-routes.yaml", routes)
        child = try ChildProcess(
            RelaygateBinary.path, ["run", "--config", config.path, "--pid-file", "\(config.path)/relaygate.pid"],
            logDirectory: config.path, name: "relaygate", environment: environment)
    }

    /// Worker processes of this gateway, found by the supervisor pid on their command line.
    var workers: [(pid: Int32, cmdline: String)] { processes(containing: "--supervisor-pid \(child.pid) ") }

    var log: String { child.stderr }

    /// `relaygate reload` against this gateway's config directory and pid file.
    func reload() throws -> (status: Int32, stdout: String, stderr: String) {
        try runProgram(
            RelaygateBinary.path, ["reload", "--config", config.path, "--pid-file", "\(config.path)/relaygate.pid"])
    }
}

/// A pull route from nginx's `src/<source>` to platform `nginx` as channel `<channel>`.
func pullRoute(_ name: String, source: String, channel: String, nginx: Nginx) -> String {
    """
      \(name):
        channel: \(channel)
        source:
          type: pull
          url: "\(nginx.publishURL("src", source))"
        profile: passthrough
        outputs: [nginx]

    """
}

/// Checks what nginx made of stream `name`: H.264 at 854x480 and 30 fps plus AAC at 48 kHz
/// (the built-in `480p` profile). Probes the finished segments themselves, because nginx's
/// live playlist has no end marker and probing it can hang.
func expect480pHLS(_ nginx: Nginx, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let segments = nginx.segments(name).dropLast().map { "\(nginx.prefix.path)/hls/\($0)" }
    let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
    let video = try #require(streams.first { $0.codecType == "video" }, sourceLocation: sourceLocation)
    let audio = try #require(streams.first { $0.codecType == "audio" }, sourceLocation: sourceLocation)
    #expect(video.codecName == "h264" && video.width == 854 && video.height == 480, sourceLocation: sourceLocation)
    #expect(abs((video.frameRate ?? 0) - 30) < 0.01, "\(video)", sourceLocation: sourceLocation)
    #expect(audio.codecName == "aac" && audio.sampleRate == 48000, sourceLocation: sourceLocation)
}
