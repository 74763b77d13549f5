import Foundation
import TestSupport

/// Media generated at test time with the ffmpeg CLI (lavfi sources), and ffprobe queries,
/// on top of the shared TestSupport peers.
enum TestMedia {
    /// Runs a tool to completion; throws with its stderr if it fails.
    static func run(_ tool: String, _ arguments: [String]) throws {
        let result = try runProgram(tool, arguments)
        guard result.status == 0 else { throw TestFailure("\(tool) exited \(result.status): \(result.stderr.suffix(2000))") }
    }

    /// H.264 640x360@25 (1 s GOP, no B-frames) + AAC 48 kHz, `seconds` long; the container
    /// follows the extension.
    static func generate(_ path: URL, seconds: Int = 4) throws {
        try FFmpeg.generate(path.path, seconds: seconds, width: 640, height: 360, fps: 25, gopFrames: 25, preset: "ultrafast")
    }

    static func probeStreams(_ path: String) throws -> [ProbedStream] { try FFprobe.streams(path) }
}
