/// A plugin's typed options. They are decoded and validated from YAML once, then travel to
/// the relay's worker process as JSON, and reloads compare them for equality.
public protocol PluginOptions: Codable, Sendable, Equatable {}

/// A source plugin: its `type:` name, how it reads its options, and how it makes a source.
public protocol SourcePlugin: SendableMetatype {
    associatedtype Options: PluginOptions
    static var type: String { get }
    /// True when the source emits uncompressed frames (rawvideo, PCM) that must be encoded
    /// before any container can carry them. Default: false (compressed packets).
    static var producesRawMedia: Bool { get }
    /// Reads this plugin's keys; report problems through `reader.diagnostics`.
    static func decodeOptions(_ reader: inout MappingReader) -> Options?
    /// For a source that publishers push to through the gateway's ingest server: the app and
    /// key to accept them on. Default: nil (the source reads by itself).
    static func ingestEndpoint(options: Options) -> IngestEndpoint?
    /// The top-level section of relaygate.yaml this source cannot work without (its account
    /// settings, say "agora"); nil: none.
    static var requiredSection: String? { get }
    static func makeSource(options: Options, context: StageContext) throws -> any MediaSource
}

public protocol TranscoderPlugin: SendableMetatype {
    associatedtype Options: PluginOptions
    static var type: String { get }
    /// False for transcoders that copy packets and so cannot turn raw frames into something
    /// a sink can send. Default: true.
    static var acceptsRawMedia: Bool { get }
    static func decodeOptions(_ reader: inout MappingReader) -> Options?
    static func makeTranscoder(options: Options, context: StageContext) throws -> any MediaTranscoder
}

public protocol SinkPlugin: SendableMetatype {
    associatedtype Options: PluginOptions
    static var type: String { get }
    static func decodeOptions(_ reader: inout MappingReader) -> Options?
    static func makeSink(options: Options, context: StageContext) throws -> any MediaSink
}

extension SourcePlugin {
    public static var producesRawMedia: Bool { false }
    public static func ingestEndpoint(options: Options) -> IngestEndpoint? { nil }
    public static var requiredSection: String? { nil }
}

extension TranscoderPlugin {
    public static var acceptsRawMedia: Bool { true }
}
