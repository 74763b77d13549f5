import MediaEngine
public import RelayCore

/// Transcoder `h264`: decode, scale, convert the frame rate and encode H.264 (libx264) +
/// AAC-LC, with the fixed GOP and steady bitrate live platforms ask for.
public enum H264TranscoderPlugin: TranscoderPlugin {
    public static let type = "h264"

    public enum Fit: String, Codable, Sendable, CaseIterable {
        /// Scale to fit inside width x height and pad (letterbox) to exactly that size.
        case pad
        /// Scale to fit inside width x height; the output keeps the source's aspect ratio.
        case fit
    }

    public struct Video: Codable, Sendable, Equatable {
        public var width: Int
        public var height: Int
        public var fps: Int
        public var bitrate: Int64
        public var maxrate: Int64
        public var bufsize: Int64
        public var gopMs: Int64
        public var preset: String
        public var tune: String
        public var profile: String
        public var level: String?
        public var fit: Fit

        public init(
            width: Int, height: Int, fps: Int = 30, bitrate: Int64, maxrate: Int64? = nil, bufsize: Int64? = nil,
            gop: Duration = .seconds(2), preset: String = "veryfast", tune: String = "zerolatency",
            profile: String = "high", level: String? = nil, fit: Fit = .pad
        ) {
            self.width = width
            self.height = height
            self.fps = fps
            self.bitrate = bitrate
            // CBR-like by default: the peak equals the average, one second of buffer.
            self.maxrate = maxrate ?? bitrate
            self.bufsize = bufsize ?? bitrate
            self.gopMs = gop.milliseconds
            self.preset = preset
            self.tune = tune
            self.profile = profile
            self.level = level
            self.fit = fit
        }

        /// Frames between keyframes.
        public var gopFrames: Int { Int(gopMs) * fps / 1000 }
    }

    public struct Audio: Codable, Sendable, Equatable {
        public var bitrate: Int64
        public var sampleRate: Int
        public var channels: Int

        public init(bitrate: Int64 = 128_000, sampleRate: Int = 48000, channels: Int = 2) {
            self.bitrate = bitrate
            self.sampleRate = sampleRate
            self.channels = channels
        }
    }

    public struct Options: PluginOptions {
        public var video: Video
        public var audio: Audio

        public init(video: Video, audio: Audio = Audio()) {
            self.video = video
            self.audio = audio
        }
    }

    public static let presets = [
        "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow",
    ]
    public static let tunes = ["zerolatency", "film", "animation", "grain", "stillimage", "fastdecode"]
    public static let profiles = ["baseline", "main", "high"]
    public static let levels = ["3", "3.0", "3.1", "3.2", "4", "4.0", "4.1", "4.2", "5", "5.0", "5.1", "5.2"]

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let video = reader.node("video").flatMap { decodeVideo($0, parent: reader.context, reader.diagnostics) }
        if !reader.contains("video") {
            reader.diagnostics.error("\(reader.context) is missing required key \"video\"", at: reader.node.location)
        }
        let audioNode = reader.node("audio")
        let audio = audioNode.map { decodeAudio($0, parent: reader.context, reader.diagnostics) } ?? Audio()
        guard let video, let audio else { return nil }
        return Options(video: video, audio: audio)
    }

    private static func decodeVideo(_ node: ConfigNode, parent: String, _ diagnostics: Diagnostics) -> Video? {
        guard var reader = MappingReader(node, context: "\"video\" of \(parent)", diagnostics: diagnostics) else {
            return nil
        }
        let errorsBefore = diagnostics.count
        let even = ValueParser<Int>.int(in: 16...4096).validated { $0 % 2 == 0 ? nil : "must be even, got \($0)" }
        let width = reader.required("width", even)
        let height = reader.required("height", even)
        let fps = reader.optional("fps", .int(in: 1...120)) ?? 30
        let bitrate = reader.required("bitrate", .bitrate(in: 50_000...100_000_000))
        let maxrate = reader.optional("maxrate", .bitrate(in: 50_000...200_000_000))
        let bufsize = reader.optional("bufsize", .bitrate(in: 50_000...400_000_000))
        let gop = reader.optional("gop", .duration(in: .milliseconds(100)...(.seconds(20)))) ?? .seconds(2)
        let preset = reader.optional("preset", .oneOf(presets)) ?? "veryfast"
        let tune = reader.optional("tune", .oneOf(tunes)) ?? "zerolatency"
        let profile = reader.optional("profile", .oneOf(profiles)) ?? "high"
        let level = reader.optional("level", .oneOf(levels))
        let fit = reader.optional("fit", .oneOf(Fit.allCases.map(\.rawValue))).flatMap(Fit.init(rawValue:)) ?? .pad
        reader.finish()

        if let bitrate, let maxrate, maxrate < bitrate {
            diagnostics.error(
                "\"maxrate\" (\(BitrateText.format(maxrate))) must not be below \"bitrate\" (\(BitrateText.format(bitrate)))",
                at: reader.location(of: "maxrate"))
        }
        // A fixed GOP is a whole number of frames; 1.5 s at 25 fps would drift.
        if reader.contains("gop") || reader.contains("fps"), gop.milliseconds * Int64(fps) % 1000 != 0 {
            diagnostics.error(
                "\"gop\" (\(DurationText.format(gop))) at \(fps) fps is not a whole number of frames",
                at: reader.location(of: "gop") ?? reader.location(of: "fps"))
        }
        guard diagnostics.count == errorsBefore, let width, let height, let bitrate else { return nil }
        return Video(
            width: width, height: height, fps: fps, bitrate: bitrate, maxrate: maxrate, bufsize: bufsize, gop: gop,
            preset: preset, tune: tune, profile: profile, level: level, fit: fit)
    }

    private static func decodeAudio(_ node: ConfigNode, parent: String, _ diagnostics: Diagnostics) -> Audio? {
        guard var reader = MappingReader(node, context: "\"audio\" of \(parent)", diagnostics: diagnostics) else {
            return nil
        }
        let errorsBefore = diagnostics.count
        let bitrate = reader.optional("bitrate", .bitrate(in: 32_000...512_000)) ?? 128_000
        let sampleRate = reader.optional("sample_rate", .int(in: 8000...96000).validated {
            [44100, 48000].contains($0) ? nil : "must be 44100 or 48000, got \($0)"
        }) ?? 48000
        let channels = reader.optional("channels", .int(in: 1...2)) ?? 2
        reader.finish()
        guard diagnostics.count == errorsBefore else { return nil }
        return Audio(bitrate: bitrate, sampleRate: sampleRate, channels: channels)
    }

    public static func makeTranscoder(options: Options, context: StageContext) throws -> any MediaTranscoder {
        H264Transcoder(options: options, logger: context.logger, slate: try StillImage.slate(context.slateImage))
    }
}
