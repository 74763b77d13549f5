public import RelayCore

/// Source `testsrc`: synthetic live A/V made in-process — moving colour bars with a
/// burned-in UTC wall clock and frame counter, and a tone that beeps on every clock second.
/// Output is raw (rawvideo yuv420p + pcm_s16le), so routes using it need a transcoding profile.
public enum TestSourcePlugin: SourcePlugin {
    public static let type = "testsrc"
    /// rawvideo + PCM: a route must encode it (an h264 profile), never pass it through.
    public static let producesRawMedia = true

    public struct Options: PluginOptions {
        public var width: Int
        public var height: Int
        public var fps: Int
        public var audio: Bool
        /// Tone frequency in Hz.
        public var tone: Int
        public var sampleRate: Int
        public var channels: Int
        /// The source ends after this much media time; nil runs forever.
        public var durationMs: Int64?

        public init(
            width: Int = 1280, height: Int = 720, fps: Int = 30, audio: Bool = true, tone: Int = 440,
            sampleRate: Int = 48000, channels: Int = 2, duration: Duration? = nil
        ) {
            self.width = width
            self.height = height
            self.fps = fps
            self.audio = audio
            self.tone = tone
            self.sampleRate = sampleRate
            self.channels = channels
            self.durationMs = duration?.milliseconds
        }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let errorsBefore = reader.diagnostics.count
        // yuv420p halves both dimensions for chroma, so odd sizes cannot be represented.
        let width = reader.optional("width", evenInt(in: 16...3840))
        let height = reader.optional("height", evenInt(in: 16...2160))
        let fps = reader.optional("fps", .int(in: 1...120))
        let audio = reader.optional("audio", .bool)
        let tone = reader.optional("tone", .int(in: 20...20000))
        let sampleRate = reader.optional("sample_rate", .int(in: 8000...96000))
        let channels = reader.optional("channels", .int(in: 1...2))
        let duration = reader.optional("duration", .duration(in: .milliseconds(1)...(.seconds(366 * 24 * 3600))))
        guard reader.diagnostics.count == errorsBefore else { return nil }
        return Options(
            width: width ?? 1280, height: height ?? 720, fps: fps ?? 30, audio: audio ?? true, tone: tone ?? 440,
            sampleRate: sampleRate ?? 48000, channels: channels ?? 2, duration: duration)
    }

    public static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        TestSource(options: options, context: context)
    }

    private static func evenInt(in range: ClosedRange<Int>) -> ValueParser<Int> {
        ValueParser<Int>.int(in: range).validated { $0 % 2 == 0 ? nil : "must be even (yuv420p), got \($0)" }
    }
}
