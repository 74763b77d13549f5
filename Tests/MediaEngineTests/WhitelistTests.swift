import Foundation
import Logging
import MediaEngine
import PullSource
import RelayCore
import Testing
import TestSupport

@Suite struct WhitelistTests {
    @Test(arguments: [
        "concat:/etc/passwd|/etc/hosts",
        "subfile,,start,0,end,100,,:/etc/passwd",
        "file:///etc/passwd",
        "/etc/passwd",
        "pipe:0",
        "tcp://127.0.0.1:1935",
        "rtmp:/missing-slashes/live/key",
    ])
    func refusesNonRemoteURLsBeforeOpening(_ url: String) {
        #expect(throws: AVError.self) {
            _ = try MediaLocation.remote(url, allowedSchemes: PullSourcePlugin.remoteSchemes)
        }
    }

    @Test func refusesRelativeFilePaths() {
        #expect(throws: AVError.self) { _ = try MediaLocation.file("media/in.flv") }
    }

    @Test func pullSourceRevalidatesExpandedVariables() throws {
        let options = PullSourcePlugin.Options(url: try RemoteURL("rtmp://127.0.0.1/live/{channel}", allowedSchemes: ["rtmp"]))
        let context = StageContext(route: "r", channel: "a b", logger: Logger(label: "test"), stop: StopSignal())
        let error = try #require(throws: RelayError.self) {
            _ = try PullSourcePlugin.makeSource(options: options, context: context)
        }
        #expect(error.errorClass == .configuration)
    }

    /// libav itself enforces the whitelist on nested opens: a local playlist may not lead it
    /// to the network. The positive control shows the same playlist works with local segments.
    @Test func hlsPlaylistCannotEscapeTheWhitelist() throws {
        let log = LogCapture.shared
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        try TestMedia.run(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast",
                "-g", "25", "-c:a", "aac", "-f", "hls", "-hls_time", "1", "-hls_list_size", "0",
                "-hls_segment_filename", directory.appendingPathComponent("seg%d.ts").path,
                directory.appendingPathComponent("good.m3u8").path,
            ])
        let good = try Demuxer(.file(directory.appendingPathComponent("good.m3u8").path), stop: StopSignal(), openTimeout: .seconds(5))
        #expect(Set(good.streams.map(\.codec)) == ["h264", "aac"])
        #expect(try good.read() != nil)

        let playlist = try String(contentsOf: directory.appendingPathComponent("good.m3u8"), encoding: .utf8)
        let escaping = playlist.replacingOccurrences(of: "seg", with: "http://127.0.0.1:9/live/SECRETKEY/seg")
        let bad = directory.appendingPathComponent("bad.m3u8")
        try escaping.write(to: bad, atomically: true, encoding: .utf8)
        #expect(throws: AVError.self) {
            _ = try Demuxer(.file(bad.path), stop: StopSignal(), openTimeout: .seconds(5))
        }
        let lines = log.all
        #expect(lines.contains { $0.contains("Protocol 'http' not on whitelist 'file'") })
        // libav names the segment URL in its log; the key must be masked on the way out.
        #expect(lines.contains { $0.contains("http://127.0.0.1:9/live/***") })
        #expect(!lines.contains { $0.contains("SECRETKEY") })
    }
}
