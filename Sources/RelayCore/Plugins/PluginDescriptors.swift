/// A plugin's typed options. They are decoded and validated from YAML once, then travel to
/// the relay's worker process as JSON, and reloads compare them for equality.
public protocol PluginOptions: Codable, Sendable, Equatable {}

/// A source plugin: its `type:` name, how it reads its options, and how it makes a source.
public protocol SourcePlugin: SendableMetatype {
    associatedtype Options: PluginOptions
    static var type: String { get }
    /// Reads this plugin's keys; report problems through `reader.diagnostics`.
    static func decodeOptions(_ reader: inout MappingReader) -> Options?
    static func makeSource(options: Options, context: StageContext) throws -> any MediaSource
}

public protocol TranscoderPlugin: SendableMetatype {
    associatedtype Options: PluginOptions
    static var type: String { get }
    static func decodeOptions(_ reader: inout MappingReader) -> Options?
    static func makeTranscoder(options: Options, context: StageContext) throws -> any MediaTranscoder
}

public protocol SinkPlugin: SendableMetatype {
    associatedtype Options: PluginOptions
    static var type: String { get }
    static func decodeOptions(_ reader: inout MappingReader) -> Options?
    static func makeSink(options: Options, context: StageContext) throws -> any MediaSink
}
