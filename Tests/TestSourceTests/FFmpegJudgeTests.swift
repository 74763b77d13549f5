import Foundation
import Logging
import RelayCore
import Testing
import TestSource
import TestSupport

/// The ffmpeg CLI, as an independent judge, reads what testsrc generated as raw files.
@Suite struct FFmpegJudgeTests {
    /// One second of 320x240@25 and 48 kHz stereo, split into a .yuv and an .s16le file.
    static func generate(into directory: TempDirectory) throws -> (video: String, audio: String) {
        let context = StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: StopSignal())
        let source = try TestSourcePlugin.makeSource(
            options: .init(width: 320, height: 240, fps: 25, duration: .seconds(1)), context: context)
        _ = try source.open()
        defer { source.close() }
        var video = Data(), audio = Data()
        while let packet = try source.read() {
            if packet.streamIndex == 0 { video.append(contentsOf: packet.data) } else { audio.append(contentsOf: packet.data) }
        }
        let paths = (directory.file("frames.yuv"), directory.file("audio.s16le"))
        try video.write(to: URL(fileURLWithPath: paths.0))
        try audio.write(to: URL(fileURLWithPath: paths.1))
        return paths
    }

    /// The last value of `key=` in ffmpeg's progress output, e.g. `frame=   25`.
    static func lastStat(_ key: String, in log: String) -> String? {
        let pattern = try! NSRegularExpression(pattern: "\(key)=\\s*([0-9:.]+)")
        let range = NSRange(log.startIndex..., in: log)
        guard let match = pattern.matches(in: log, range: range).last, let value = Range(match.range(at: 1), in: log)
        else { return nil }
        return String(log[value])
    }

    @Test func ffmpegReadsTheRawVideoAndAudio() throws {
        let directory = try TempDirectory("testsrc")
        let paths = try Self.generate(into: directory)

        let video = try runProgram(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-nostdin", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", "320x240", "-r", "25",
                "-i", paths.video, "-f", "null", "-",
            ])
        #expect(video.status == 0, "\(video.stderr)")
        #expect(Self.lastStat("frame", in: video.stderr) == "25", "\(video.stderr)")

        let audio = try runProgram(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-nostdin", "-f", "s16le", "-ar", "48000", "-ac", "2", "-i", paths.audio,
                "-f", "null", "-",
            ])
        #expect(audio.status == 0, "\(audio.stderr)")
        #expect(Self.lastStat("time", in: audio.stderr) == "00:00:01.00", "\(audio.stderr)")
    }
}
