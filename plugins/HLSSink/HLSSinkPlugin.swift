import MediaEngine
public import RelayCore

/// Sink `hls`: writes HLS — MPEG-TS segments and a live playlist — into a local directory,
/// for a preview or a web server of one's own, through libavformat's `hls` muxer.
public enum HLSSinkPlugin: SinkPlugin {
    public static let type = "hls"

    public struct Options: PluginOptions {
        /// Absolute path of the directory; may contain `{channel}` variables. Created if missing.
        public var directory: String
        /// Target segment length; segments are cut at the next keyframe after it.
        public var segmentDurationMs: Int64
        /// Segments the live playlist lists (the window); unused with `keep`.
        public var playlistSize: Int
        /// Keep every segment and list them all (an EVENT playlist that ends with ENDLIST);
        /// false: a bounded live window, segments deleted once they leave it, and the
        /// directory's HLS files removed when the output ends.
        public var keep: Bool
        /// How long the output may keep failing to write (a full disk) before it is failed.
        public var giveUpAfterMs: Int64

        public init(
            directory: String, segmentDuration: Duration = .seconds(2), playlistSize: Int = 6, keep: Bool = false,
            giveUpAfter: Duration = .seconds(120)
        ) {
            self.directory = directory
            self.segmentDurationMs = segmentDuration.milliseconds
            self.playlistSize = playlistSize
            self.keep = keep
            self.giveUpAfterMs = giveUpAfter.milliseconds
        }

        var policy: OutputPolicy { .localFiles(giveUpAfter: .milliseconds(giveUpAfterMs)) }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let errorsBefore = reader.diagnostics.count
        let directory = reader.required("directory", directoryPath)
        // At least a second: sequence numbers start at the Unix time, so a restarted output
        // continues above where the previous one stopped.
        let segment = reader.optional("segment_duration", .duration(in: .seconds(1)...(.seconds(60))))
        let size = reader.optional("playlist_size", .int(in: 2...1000))
        let keep = reader.optional("keep", .bool) ?? false
        let giveUp = reader.optional("give_up_after", .duration(in: .zero...(.seconds(86400))))
        if keep, size != nil {
            reader.diagnostics.error(
                "\"playlist_size\" does not apply with \"keep: true\": the playlist lists every segment",
                at: reader.location(of: "playlist_size"))
        }
        guard reader.diagnostics.count == errorsBefore, let directory else { return nil }
        return Options(
            directory: directory, segmentDuration: segment ?? .seconds(2), playlistSize: size ?? 6, keep: keep,
            giveUpAfter: giveUp ?? .seconds(120))
    }

    public static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        try HLSSink(options: options, context: context)
    }

    /// `{variables}` are filled when the relay starts. `%` is refused: libav reads it in the
    /// segments' name pattern.
    private static let directoryPath = ValueParser<String>.string.validated { path in
        guard path.hasPrefix("/") else { return "must be an absolute path, got \"\(path)\"" }
        return path.contains("%") ? "must not contain \"%\", got \"\(path)\"" : nil
    }
}
