import Foundation
import Testing

/// Media generated at test time with the ffmpeg CLI (lavfi sources), and ffprobe queries.
enum TestMedia {
    struct CommandFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh directory, removed by the caller with `cleanUp`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("relaygate-media-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func cleanUp(_ url: URL) { try? FileManager.default.removeItem(at: url) }

    /// Runs a tool to completion and returns its standard output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stderr concurrently so a chatty tool cannot block on a full pipe.
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.isSet { usleep(1000) }
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errorData.value.suffix(2000), as: UTF8.self)
            throw CommandFailed(description: "\(tool) exited \(process.terminationStatus): \(text)")
        }
        return data
    }

    /// H.264 640x360@25 (GOP 1 s) + AAC 48 kHz, `seconds` long.
    static func generate(_ path: URL, seconds: Int = 4, format: String? = nil) throws {
        var arguments = [
            "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", String(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "96k",
        ]
        if let format { arguments += ["-f", format] }
        try run("/usr/bin/ffmpeg", arguments + [path.path])
    }

    struct ProbedStream {
        var codecType: String
        var codec: String
        var width: Int?
        var height: Int?
        var sampleRate: Int?
    }

    static func probeStreams(_ path: String, extra: [String] = []) throws -> [ProbedStream] {
        let data = try run(
            "/usr/bin/ffprobe", ["-v", "error"] + extra + ["-show_streams", "-of", "json", path])
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let streams = root?["streams"] as? [[String: Any]] ?? []
        return streams.map { stream in
            ProbedStream(
                codecType: stream["codec_type"] as? String ?? "",
                codec: stream["codec_name"] as? String ?? "",
                width: stream["width"] as? Int, height: stream["height"] as? Int,
                sampleRate: (stream["sample_rate"] as? String).flatMap { Int($0) })
        }
    }
}

/// Data handed from one thread to another.
final class LockedData: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}
