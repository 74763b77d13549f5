import MediaEngine
public import RelayCore

/// Sink `file`: records the relay to local MP4 (fragmented, so a crash leaves a playable
/// file) or FLV files, optionally cut into a new file every `rotate_every` at a keyframe.
public enum FileSinkPlugin: SinkPlugin {
    public static let type = "file"

    public enum Format: String, Codable, Sendable, CaseIterable {
        case mp4, flv
    }

    public struct Options: PluginOptions {
        /// Absolute path template of each file: `{channel}`-style variables and `{start}`,
        /// the UTC time the file begins. Missing directories are created.
        public var path: String
        public var format: Format
        /// Media time after which the next keyframe begins a new file; 0: one file per session.
        public var rotateEveryMs: Int64
        /// How long the output may keep failing to write (a full disk) before it is failed.
        public var giveUpAfterMs: Int64

        public init(path: String, format: Format = .mp4, rotateEvery: Duration = .zero, giveUpAfter: Duration = .seconds(120)) {
            self.path = path
            self.format = format
            self.rotateEveryMs = rotateEvery.milliseconds
            self.giveUpAfterMs = giveUpAfter.milliseconds
        }

        var policy: OutputPolicy { .localFiles(giveUpAfter: .milliseconds(giveUpAfterMs)) }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let errorsBefore = reader.diagnostics.count
        let path = reader.required("path", filePath)
        let format = reader.optional("format", .oneOf(Format.allCases.map(\.rawValue))).flatMap(Format.init(rawValue:))
        let rotate = reader.optional("rotate_every", .duration(in: .zero...(.seconds(86400))))
        let giveUp = reader.optional("give_up_after", .duration(in: .zero...(.seconds(86400))))
        if let path, let rotate, rotate > .zero, !Template.variables(in: path).contains("start") {
            reader.diagnostics.error(
                "\"path\" needs {start} with \"rotate_every\", so each file gets its own name, got \"\(path)\"",
                at: reader.location(of: "path"))
        }
        guard reader.diagnostics.count == errorsBefore, let path else { return nil }
        return Options(path: path, format: format ?? .mp4, rotateEvery: rotate ?? .zero, giveUpAfter: giveUp ?? .seconds(120))
    }

    public static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        try FileSink(options: options, context: context)
    }

    /// `{variables}` are filled when each file begins.
    private static let filePath = ValueParser<String>.string.validated { path in
        guard path.hasPrefix("/") else { return "must be an absolute path, got \"\(path)\"" }
        return path.hasSuffix("/") ? "must name a file, not a directory, got \"\(path)\"" : nil
    }
}
