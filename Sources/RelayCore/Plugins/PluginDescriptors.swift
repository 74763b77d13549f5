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
    /// True when the relay's media never passes through the gateway: the companion's service
    /// carries it from the seller to the platform by itself. Such a relay has no ingest
    /// endpoint and no worker; its companion reports its state. Default: false.
    static func runsExternally(options: Options) -> Bool
    /// The names the source's platform gives channels; route patterns are checked against
    /// them. Default: nil (any name).
    static var channelNames: ChannelNameRule? { get }
    /// Why a relay asked for on a route with this source cannot serve seller `sellerUID`
    /// (checked before the relay exists); nil: it can. Default: nil.
    static func requestProblem(options: Options, sellerUID: String) -> String?
    /// What `relaygate validate` should tell about a route with this source and transcoder
    /// (a profile the source's service will carry differently, say). Default: none.
    static func notes(options: Options, transcoder: PluginConfig) -> [String]
    /// The supervisor-side half, if the source has one (see `RelayCompanion`).
    static var companion: (any CompanionPlugin.Type)? { get }
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
    /// The supervisor-side half, if the sink has one (see `RelayCompanion`).
    static var companion: (any CompanionPlugin.Type)? { get }
    static func makeSink(options: Options, context: StageContext) throws -> any MediaSink
}

extension SourcePlugin {
    public static var producesRawMedia: Bool { false }
    public static func ingestEndpoint(options: Options) -> IngestEndpoint? { nil }
    public static func runsExternally(options: Options) -> Bool { false }
    public static var channelNames: ChannelNameRule? { nil }
    public static func requestProblem(options: Options, sellerUID: String) -> String? { nil }
    public static func notes(options: Options, transcoder: PluginConfig) -> [String] { [] }
    public static var companion: (any CompanionPlugin.Type)? { nil }
}

extension SinkPlugin {
    public static var companion: (any CompanionPlugin.Type)? { nil }
}

extension TranscoderPlugin {
    public static var acceptsRawMedia: Bool { true }
}
