import FLVIngest
public import RelayCore

/// Source `rtmp`: publishers push to the gateway's RTMP ingest server
/// (`rtmp://host:1935/<app>/<key>`), which hands their media to this relay's worker; the
/// source turns it into packets without re-encoding (H.264 and AAC).
public enum RTMPSourcePlugin: SourcePlugin {
    public static let type = "rtmp"

    public struct Options: PluginOptions {
        /// The RTMP application publishers name.
        public var app: String
        /// A `{variable}` template for the stream key; nil: a random key for each relay.
        public var key: String?
        /// A second publisher on the key replaces the first instead of being refused.
        public var takeover: Bool
        /// How long a starting relay waits for its first publisher; 0: as long as it takes.
        public var publishTimeoutMs: Int64

        public init(app: String = "live", key: String? = nil, takeover: Bool = false, publishTimeout: Duration = .zero) {
            self.app = app
            self.key = key
            self.takeover = takeover
            self.publishTimeoutMs = publishTimeout.milliseconds
        }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let defaults = Options()
        let errorsBefore = reader.diagnostics.count
        let app = reader.optional("app", .name) ?? defaults.app
        let key = reader.optional("key", .streamKey)
        let takeover = reader.optional("takeover", .bool) ?? defaults.takeover
        let publishTimeout = reader.optional("publish_timeout", .duration(in: .zero...(.seconds(24 * 3600)))) ?? .zero
        guard reader.diagnostics.count == errorsBefore else { return nil }
        return Options(app: app, key: key, takeover: takeover, publishTimeout: publishTimeout)
    }

    public static func ingestEndpoint(options: Options) -> IngestEndpoint? {
        IngestEndpoint(app: options.app, key: options.key, takeover: options.takeover)
    }

    public static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        guard let ingest = context.ingest else {
            throw RelayError(.internal, "rtmp source: this relay has no ingest endpoint")
        }
        return RTMPSource(publishTimeout: .milliseconds(options.publishTimeoutMs), ingest: ingest, context: context)
    }
}

extension ValueParser where Value == String {
    /// A stream key template: 1–256 characters, no `/`, `?`, `#` or whitespace, `{variables}`
    /// allowed. The value itself is a secret and never quoted in an error.
    static var streamKey: ValueParser<String> {
        ValueParser { node, key, diagnostics in
            guard case .scalar(let text, _) = node.value, !node.isNull else {
                diagnostics.error("\"\(key)\" must be a stream key (a string)", at: node.location)
                return nil
            }
            let forbidden = text.unicodeScalars.contains { "/?#".unicodeScalars.contains($0) || $0.properties.isWhitespace }
            guard (1...256).contains(text.count), !forbidden else {
                diagnostics.error(
                    "\"\(key)\" must be 1 to 256 characters without \"/\", \"?\", \"#\" or spaces (value not shown: it is a secret)",
                    at: node.location)
                return nil
            }
            return text
        }
    }
}
