import Foundation

/// The ffmpeg and ffprobe CLIs as independent peers: a live publisher playing the seller,
/// a generator of test media, and the judge of what came out.
public enum FFmpeg {
    /// Starts a live publisher: a moving test pattern and a tone, encoded like a phone
    /// would (H.264 + AAC, 1 s GOP), pushed in real time to `url` until killed.
    public static func publish(
        to url: String, width: Int, height: Int, fps: Int, logDirectory: String, name: String
    ) throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=\(fps)",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", "\(fps)", "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", url,
            ], logDirectory: logDirectory, name: name)
    }

    /// Runs the ffmpeg CLI quietly with `arguments` (inputs, options, output); throws with
    /// its error output if it fails.
    public static func run(_ arguments: [String]) throws {
        let result = try runProgram("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + arguments)
        guard result.status == 0 else { throw TestFailure("ffmpeg \(arguments.joined(separator: " ")): \(result.stderr)") }
    }

    /// Writes a short H.264 + AAC file (FLV or MP4 by extension). `noise` (0–100) adds
    /// changing grain to every frame: a plain test pattern is so easy to code that a CBR
    /// encoder stays far below its target, so bitrate checks need busy pictures.
    public static func generate(
        _ path: String, seconds: Int, width: Int = 640, height: Int = 360, fps: Int = 25, bitrate: String = "800k",
        gopFrames: Int? = nil, preset: String = "veryfast", noise: Int = 0
    ) throws {
        let grain = noise > 0 ? ",noise=alls=\(noise):allf=t" : ""
        let result = try runProgram(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=\(fps)\(grain)",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                "-t", "\(seconds)", "-c:v", "libx264", "-preset", preset, "-g", "\(gopFrames ?? fps * 2)",
                "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate, "-pix_fmt", "yuv420p",
                "-c:a", "aac", "-b:a", "128k", path,
            ])
        guard result.status == 0 else { throw TestFailure("ffmpeg could not generate \(path): \(result.stderr)") }
    }
}

/// One stream as ffprobe reports it.
public struct ProbedStream: Sendable, Equatable {
    public var codecType: String
    public var codecName: String
    public var width: Int?
    public var height: Int?
    public var frameRate: Double?
    public var sampleRate: Int?
    /// Codec profile as ffprobe names it ("High", "LC").
    public var profile: String?
    public var channels: Int?
}

/// One packet as ffprobe reports it: presentation time (s), size (bytes), keyframe flag.
public struct ProbedPacket: Sendable, Equatable {
    public var time: Double
    public var size: Int
    public var isKeyframe: Bool
}

public enum FFprobe {
    /// The streams of `url` (a file, an HLS playlist, an RTMP URL).
    public static func streams(_ url: String) throws -> [ProbedStream] {
        let result = try runProgram(
            "/usr/bin/ffprobe",
            ["-v", "error", "-rw_timeout", "5000000", "-show_streams", "-of", "json", url])
        guard result.status == 0 else { throw TestFailure("ffprobe \(url) failed: \(result.stderr)") }
        guard let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let streams = json["streams"] as? [[String: Any]]
        else { throw TestFailure("ffprobe gave no streams for \(url)") }
        return streams.map { s in
            ProbedStream(
                codecType: s["codec_type"] as? String ?? "",
                codecName: s["codec_name"] as? String ?? "",
                width: s["width"] as? Int,
                height: s["height"] as? Int,
                frameRate: (s["avg_frame_rate"] as? String).flatMap(fraction) ?? (s["r_frame_rate"] as? String).flatMap(fraction),
                sampleRate: (s["sample_rate"] as? String).flatMap { Int($0) },
                profile: s["profile"] as? String,
                channels: s["channels"] as? Int)
        }
    }

    /// The packets of the first stream of `kind` ("video", "audio") in `url`, in file order.
    public static func packets(_ url: String, kind: String) throws -> [ProbedPacket] {
        let result = try runProgram(
            "/usr/bin/ffprobe",
            [
                "-v", "error", "-select_streams", String(kind.prefix(1)), "-show_entries", "packet=pts_time,size,flags",
                "-of", "json", url,
            ])
        guard result.status == 0,
            let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let packets = json["packets"] as? [[String: Any]]
        else { throw TestFailure("ffprobe \(url) gave no packets: \(result.stderr)") }
        return packets.compactMap { p in
            guard let time = (p["pts_time"] as? String).flatMap(Double.init),
                let size = (p["size"] as? String).flatMap({ Int($0) })
            else { return nil }
            return ProbedPacket(time: time, size: size, isKeyframe: (p["flags"] as? String ?? "").hasPrefix("K"))
        }
    }

    static func fraction(_ text: String) -> Double? {
        let parts = text.split(separator: "/").compactMap { Double($0) }
        guard parts.count == 2, parts[1] != 0, parts[0] != 0 else { return nil }
        return parts[0] / parts[1]
    }
}
