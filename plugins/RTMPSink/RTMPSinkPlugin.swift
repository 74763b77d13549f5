public import RelayCore

/// Sink `rtmp`: pushes FLV over rtmp:// or rtmps:// through libavformat.
public enum RTMPSinkPlugin: SinkPlugin {
    public static let type = "rtmp"
    public static let schemes = ["rtmp", "rtmps"]

    public struct Options: PluginOptions {
        /// Destination; may contain `{channel}` variables. The last path segment is the
        /// stream key and is never logged.
        public var url: RemoteURL
        public var connectTimeoutMs: Int64
        /// A write that makes no progress for this long fails the output.
        public var writeTimeoutMs: Int64

        public init(url: RemoteURL, connectTimeout: Duration = .seconds(10), writeTimeout: Duration = .seconds(10)) {
            self.url = url
            self.connectTimeoutMs = connectTimeout.milliseconds
            self.writeTimeoutMs = writeTimeout.milliseconds
        }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let url = reader.required("url", .remoteURL(schemes: schemes))
        let connect = reader.optional("connect_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))
        let write = reader.optional("write_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))
        guard let url else { return nil }
        return Options(url: url, connectTimeout: connect ?? .seconds(10), writeTimeout: write ?? .seconds(10))
    }

    public static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        try RTMPSink(options: options, context: context)
    }
}
