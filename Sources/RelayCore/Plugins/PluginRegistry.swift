import Foundation

/// The compiled-in plugins, keyed by the YAML `type` name (nginx's `ngx_modules[]`).
/// The executable builds it from one explicit list; the core never names a plugin.
public struct PluginRegistry: Sendable {
    struct Entry<Stage>: Sendable {
        /// `producesRawMedia` for sources, `acceptsRawMedia` for transcoders, unused for sinks.
        var handlesRawMedia = false
        /// Sources only: what `SourcePlugin` says about a relay with these options.
        var source = SourceTraits()
        /// The section of its companion, if it has one.
        var companion: String?
        let decode: @Sendable (inout MappingReader) -> String?
        let make: @Sendable (String, StageContext) throws -> Stage
    }

    struct SourceTraits: Sendable {
        var ingest: @Sendable (String) -> IngestEndpoint? = { _ in nil }
        var runsExternally: @Sendable (String) -> Bool = { _ in false }
        var channelNames: ChannelNameRule?
        var requestProblem: @Sendable (String, String) -> String? = { _, _ in nil }
        var notes: @Sendable (String, PluginConfig) -> [String] = { _, _ in [] }
    }

    struct CompanionEntry: Sendable {
        let needsSection: Bool
        let decode: @Sendable (inout MappingReader) -> String?
        let make: @Sendable (String, CompanionContext) throws -> any RelayCompanion
    }

    private var sources: [String: Entry<any MediaSource>] = [:]
    private var transcoders: [String: Entry<any MediaTranscoder>] = [:]
    private var sinks: [String: Entry<any MediaSink>] = [:]
    private var companions: [String: CompanionEntry] = [:]

    public init(sources: [any SourcePlugin.Type], transcoders: [any TranscoderPlugin.Type], sinks: [any SinkPlugin.Type]) {
        for plugin in sources {
            self.sources[plugin.type] = Self.entry(plugin)
            if let companion = plugin.companion { companions[companion.section] = Self.entry(companion) }
        }
        for plugin in transcoders { self.transcoders[plugin.type] = Self.entry(plugin) }
        for plugin in sinks {
            self.sinks[plugin.type] = Self.entry(plugin)
            if let companion = plugin.companion { companions[companion.section] = Self.entry(companion) }
        }
    }

    /// Whether source `type` emits raw frames that must be encoded (see `SourcePlugin`).
    public func sourceProducesRawMedia(_ type: String) -> Bool { sources[type]?.handlesRawMedia ?? false }

    /// The ingest endpoint a configured source asks for; nil for sources that read by
    /// themselves (and for options that do not decode, which `decode` never produces).
    public func ingestEndpoint(for config: PluginConfig) -> IngestEndpoint? {
        guard config.kind == .source else { return nil }
        return sources[config.type]?.source.ingest(config.options)
    }

    /// Whether a relay with this source has neither ingest endpoint nor worker (see
    /// `SourcePlugin.runsExternally`).
    public func runsExternally(_ source: PluginConfig) -> Bool {
        source.kind == .source && sources[source.type]?.source.runsExternally(source.options) == true
    }

    /// The channel names of this source's platform (see `SourcePlugin.channelNames`).
    public func channelNames(for source: PluginConfig) -> ChannelNameRule? {
        source.kind == .source ? sources[source.type]?.source.channelNames : nil
    }

    /// Why this source cannot serve seller `sellerUID` (see `SourcePlugin.requestProblem`).
    public func requestProblem(for source: PluginConfig, sellerUID: String) -> String? {
        source.kind == .source ? sources[source.type]?.source.requestProblem(source.options, sellerUID) : nil
    }

    /// What validate tells about this source with this transcoder (see `SourcePlugin.notes`).
    public func notes(for source: PluginConfig, transcoder: PluginConfig) -> [String] {
        source.kind == .source ? sources[source.type]?.source.notes(source.options, transcoder) ?? [] : []
    }

    /// The relaygate.yaml section of the stage's companion; nil: the plugin has none.
    public func companionSection(for config: PluginConfig) -> String? {
        switch config.kind {
        case .source: sources[config.type]?.companion
        case .sink: sinks[config.type]?.companion
        case .transcoder: nil
        }
    }

    /// The sections companions read, sorted.
    public var companionSections: [String] { companions.keys.sorted() }

    /// Whether a stage using companion `section` needs that section in relaygate.yaml (see
    /// `CompanionPlugin.needsSection`).
    public func companionNeedsSection(_ section: String) -> Bool { companions[section]?.needsSection ?? true }

    /// Decodes companion section `section` (see `CompanionPlugin`) into canonical JSON; nil
    /// when it is not a companion's or something was wrong (reported in `reader.diagnostics`).
    public func decodeCompanionSettings(_ section: String, from reader: inout MappingReader) -> String? {
        guard let entry = companions[section] else { return nil }
        let errorsBefore = reader.diagnostics.count
        let settings = entry.decode(&reader)
        reader.finish()
        return reader.diagnostics.count == errorsBefore ? settings : nil
    }

    public func makeCompanion(_ section: String, settings: String, context: CompanionContext) throws -> any RelayCompanion {
        guard let entry = companions[section] else {
            throw RelayError(.internal, "no plugin companion reads \"\(section)\"")
        }
        return try entry.make(settings, context)
    }

    /// Whether transcoder `type` can encode raw frames (see `TranscoderPlugin`).
    public func transcoderAcceptsRawMedia(_ type: String) -> Bool { transcoders[type]?.handlesRawMedia ?? true }

    public func types(_ kind: PluginKind) -> [String] {
        switch kind {
        case .source: sources.keys.sorted()
        case .transcoder: transcoders.keys.sorted()
        case .sink: sinks.keys.sorted()
        }
    }

    /// Decodes `type:` and the plugin's own options from a mapping whose other keys the
    /// caller has already read. Reports unknown keys; returns nil if anything was wrong.
    public func decode(_ kind: PluginKind, from reader: inout MappingReader) -> PluginConfig? {
        let errorsBefore = reader.diagnostics.count
        guard let typeNode = reader.node("type") else {
            reader.diagnostics.error("\(reader.context) is missing required key \"type\"", at: reader.node.location)
            // Without a type the other keys cannot be checked: reporting them as unknown
            // would be wrong (as for an unknown type, below).
            return nil
        }
        guard let type = ValueParser<String>.string.parse(typeNode, "type", reader.diagnostics) else {
            return nil
        }
        let decode: (@Sendable (inout MappingReader) -> String?)? =
            switch kind {
            case .source: sources[type]?.decode
            case .transcoder: transcoders[type]?.decode
            case .sink: sinks[type]?.decode
            }
        guard let decode else {
            reader.diagnostics.error(
                "unknown \(kind.rawValue) type \"\(type)\"; expected one of: \(types(kind).joined(separator: ", "))",
                at: typeNode.location)
            // The keys belong to a plugin we don't know, so they cannot be checked.
            return nil
        }
        let options = decode(&reader)
        reader.finish()
        guard let options, reader.diagnostics.count == errorsBefore else { return nil }
        return PluginConfig(kind: kind, type: type, options: options)
    }

    public func makeSource(_ config: PluginConfig, context: StageContext) throws -> any MediaSource {
        try Self.lookup(sources, config).make(config.options, context)
    }

    public func makeTranscoder(_ config: PluginConfig, context: StageContext) throws -> any MediaTranscoder {
        try Self.lookup(transcoders, config).make(config.options, context)
    }

    public func makeSink(_ config: PluginConfig, context: StageContext) throws -> any MediaSink {
        try Self.lookup(sinks, config).make(config.options, context)
    }

    private static func lookup<Stage>(_ table: [String: Entry<Stage>], _ config: PluginConfig) throws -> Entry<Stage> {
        guard let entry = table[config.type] else {
            throw RelayError(.internal, "no \(config.kind.rawValue) plugin \"\(config.type)\" is compiled in")
        }
        return entry
    }

    // MARK: - Type erasure: each plugin's typed Options become canonical JSON and back.

    private static func entry<P: SourcePlugin>(_ plugin: P.Type) -> Entry<any MediaSource> {
        let options = { @Sendable (json: String) in try? decodeJSON(P.Options.self, json) }
        return Entry(
            handlesRawMedia: P.producesRawMedia,
            source: SourceTraits(
                ingest: { options($0).flatMap(P.ingestEndpoint(options:)) },
                runsExternally: { options($0).map(P.runsExternally(options:)) ?? false },
                channelNames: P.channelNames,
                requestProblem: { json, seller in options(json).flatMap { P.requestProblem(options: $0, sellerUID: seller) } },
                notes: { json, transcoder in options(json).map { P.notes(options: $0, transcoder: transcoder) } ?? [] }),
            companion: P.companion?.section,
            decode: { reader in P.decodeOptions(&reader).flatMap(encode) },
            make: { json, context in try P.makeSource(options: decodeJSON(P.Options.self, json), context: context) })
    }

    private static func entry<P: TranscoderPlugin>(_ plugin: P.Type) -> Entry<any MediaTranscoder> {
        Entry(
            handlesRawMedia: P.acceptsRawMedia,
            decode: { reader in P.decodeOptions(&reader).flatMap(encode) },
            make: { json, context in try P.makeTranscoder(options: decodeJSON(P.Options.self, json), context: context) })
    }

    private static func entry<P: SinkPlugin>(_ plugin: P.Type) -> Entry<any MediaSink> {
        Entry(
            companion: P.companion?.section,
            decode: { reader in P.decodeOptions(&reader).flatMap(encode) },
            make: { json, context in try P.makeSink(options: decodeJSON(P.Options.self, json), context: context) })
    }

    private static func entry<C: CompanionPlugin>(_ companion: C.Type) -> CompanionEntry {
        CompanionEntry(
            needsSection: C.needsSection,
            decode: { reader in C.decodeSettings(&reader).flatMap(encode) },
            make: { json, context in try C.makeCompanion(settings: decodeJSON(C.Settings.self, json), context: context) })
    }

    private static func encode<O: PluginOptions>(_ options: O) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(options) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    private static func decodeJSON<O: PluginOptions>(_ type: O.Type, _ json: String) throws -> O {
        do {
            return try JSONDecoder().decode(O.self, from: Data(json.utf8))
        } catch {
            throw RelayError(.internal, "plugin options do not decode: \(error)")
        }
    }
}
