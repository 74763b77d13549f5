import Foundation

/// The media leg of a converter: ffmpeg pushing a live test pattern and tone, encoded as
/// the converter's settings say, to its `rtmpUrl` in real time.
enum ConverterPusher {
    static func start(_ spec: ConverterSpec, id: String, logDirectory: String) throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/ffmpeg", arguments(spec), logDirectory: logDirectory,
            name: "push-\(id.prefix(8))-\(UUID().uuidString.prefix(8))")
    }

    /// Publishing: ffmpeg writes progress only once its output (the RTMP session) is open
    /// and media flows.
    static func isPublishing(_ child: ChildProcess) -> Bool {
        child.isRunning && child.stdout.contains("progress=continue")
    }

    static func arguments(_ spec: ConverterSpec) -> [String] {
        var inputs: [String] = []
        var encoding: [String] = []
        if let video = spec.video {
            inputs += ["-re", "-f", "lavfi", "-i", "testsrc2=size=\(video.width)x\(video.height):rate=\(video.frameRate)"]
            encoding += [
                "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency",
                "-profile:v", video.profile, "-pix_fmt", "yuv420p", "-g", "\(video.gop)", "-keyint_min", "\(video.gop)",
                "-sc_threshold", "0", "-b:v", "\(video.bitrateKbps)k", "-maxrate", "\(video.bitrateKbps)k",
                "-bufsize", "\(video.bitrateKbps * 2)k",
            ]
        }
        if let audio = spec.audio {
            let index = spec.video == nil ? 0 : 1
            inputs += ["-re", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=\(audio.sampleRate)"]
            // ffmpeg's own AAC encoder has no HE profile: HE-AAC is sent as LC at its bitrate.
            encoding += [
                "-map", "\(index):a", "-c:a", "aac", "-b:a", "\(audio.bitrateKbps)k", "-ar", "\(audio.sampleRate)",
                "-ac", "\(audio.channels)",
            ]
        }
        return ["-hide_banner", "-nostdin", "-loglevel", "error", "-progress", "pipe:1", "-stats_period", "0.5"]
            + inputs + encoding + ["-f", "flv", spec.rtmpURL]
    }
}
