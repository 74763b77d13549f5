public import RelayCore

/// Source `pull`: reads a remote URL (rtmp, rtmps, srt, http(s) FLV or HLS) or a local
/// file through libavformat, with an explicit protocol whitelist per scheme.
public enum PullSourcePlugin: SourcePlugin {
    public static let type = "pull"

    /// Schemes a `url:` may use. Local files go through `file:` instead, so no config can
    /// smuggle file:, concat:, pipe: or subfile: in where a remote URL is expected.
    public static let remoteSchemes = ["rtmp", "rtmps", "srt", "http", "https"]

    public struct Options: PluginOptions {
        /// Remote input; may contain `{channel}` variables.
        public var url: RemoteURL?
        /// Absolute path of a local file.
        public var file: String?
        /// Read at the input's own pace (like `ffmpeg -re`). Default: on for files.
        public var realtime: Bool
        /// Start again at the end (files only), with timestamps that keep increasing.
        public var loop: Bool
        public var openTimeoutMs: Int64
        public var readTimeoutMs: Int64

        public init(
            url: RemoteURL? = nil, file: String? = nil, realtime: Bool? = nil, loop: Bool = false,
            openTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(10)
        ) {
            self.url = url
            self.file = file
            self.realtime = realtime ?? (file != nil)
            self.loop = loop
            self.openTimeoutMs = openTimeout.milliseconds
            self.readTimeoutMs = readTimeout.milliseconds
        }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let url = reader.optional("url", .remoteURL(schemes: remoteSchemes))
        let file = reader.optional(
            "file",
            .string.validated { path in
                path.hasPrefix("/") ? nil : "must be an absolute path, got \"\(path)\""
            })
        let realtime = reader.optional("realtime", .bool)
        let loop = reader.optional("loop", .bool)
        let openTimeout = reader.optional("open_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))
        let readTimeout = reader.optional("read_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))

        let hasURL = reader.contains("url"), hasFile = reader.contains("file")
        if hasURL == hasFile {
            reader.diagnostics.error(
                "\(reader.context) needs exactly one of \"url\" (a remote input) or \"file\" (a local path)",
                at: reader.node.location)
            return nil
        }
        if loop == true, hasURL {
            reader.diagnostics.error("\"loop\" applies to \"file\" inputs only", at: reader.location(of: "loop"))
            return nil
        }
        guard url != nil || file != nil else { return nil }
        return Options(
            url: url, file: file, realtime: realtime, loop: loop ?? false,
            openTimeout: openTimeout ?? .seconds(10), readTimeout: readTimeout ?? .seconds(10))
    }

    public static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        try PullSource(options: options, context: context)
    }
}
