public import RelayCore

/// `relaygate.yaml`: process-wide settings. Every key is optional.
public struct GlobalSettings: Sendable, Equatable {
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    public var logLevel: String
    public var statsInterval: Duration
    public var stopTimeout: Duration
    /// The default initial restart backoff (a route's `restart: { backoff }` overrides it).
    public var restartDelay: Duration
    public var sinkQueuePackets: Int
    /// nil: no database configured.
    public var database: DatabaseSettings?
    /// Most relays running at once (static and API-started); nil: no limit.
    public var maxRelays: Int?
    /// The control API; nil: off.
    public var api: APISettings?
    /// The RTMP ingest server's settings; nil: defaults (it runs only when a route needs it).
    public var ingest: IngestSettings?
    /// Plugin companions' sections (see `CompanionPlugin`), by section name: each decoded and
    /// validated by its plugin, kept as canonical JSON. A section that is absent is not here,
    /// unless its companion needs none (`CompanionPlugin.needsSection`): then its defaults are.
    public var companions: [String: String]

    public init(
        logLevel: String = "info", statsInterval: Duration = .seconds(10), stopTimeout: Duration = .seconds(10),
        restartDelay: Duration = .seconds(1), sinkQueuePackets: Int = 1024, database: DatabaseSettings? = nil,
        maxRelays: Int? = nil, api: APISettings? = nil, ingest: IngestSettings? = nil, companions: [String: String] = [:]
    ) {
        self.companions = companions
        self.logLevel = logLevel
        self.statsInterval = statsInterval
        self.stopTimeout = stopTimeout
        self.restartDelay = restartDelay
        self.sinkQueuePackets = sinkQueuePackets
        self.database = database
        self.maxRelays = maxRelays
        self.api = api
        self.ingest = ingest
    }

    /// The restart policy of a route without `restart:` (and what its `restart:` leaves
    /// out): `restart_delay` is the first backoff; the cap is 60 s, or `restart_delay` if longer.
    public var restartDefaults: RestartPolicy {
        RestartPolicy(initialBackoff: restartDelay, maxBackoff: max(.seconds(60), restartDelay))
    }

    /// Reads the top-level mapping of relaygate.yaml; nil (absent or empty file) means
    /// defaults. Plugin companions' sections are decoded by their plugins, through `registry`.
    static func decode(_ node: ConfigNode?, registry: PluginRegistry, diagnostics: Diagnostics) -> GlobalSettings {
        let defaults = GlobalSettings()
        // An absent file reads as an empty one: companions that need no section still exist.
        let empty = ConfigNode(.mapping([]), at: SourceLocation(file: "relaygate.yaml", line: 1, column: 1))
        let present = node.flatMap { $0.isNull ? nil : $0 }
        guard var reader = MappingReader(present ?? empty, context: "relaygate.yaml", diagnostics: diagnostics)
        else { return defaults }
        let settings = GlobalSettings(
            logLevel: reader.optional("log_level", .oneOf(logLevels)) ?? defaults.logLevel,
            statsInterval: reader.optional("stats_interval", .duration(in: .seconds(1)...(.seconds(3600))))
                ?? defaults.statsInterval,
            stopTimeout: reader.optional("stop_timeout", .duration(in: .seconds(1)...(.seconds(300))))
                ?? defaults.stopTimeout,
            restartDelay: reader.optional("restart_delay", .duration(in: .zero...(.seconds(300))))
                ?? defaults.restartDelay,
            sinkQueuePackets: reader.optional("sink_queue_packets", .int(in: 16...100_000)) ?? defaults.sinkQueuePackets,
            database: reader.node("database").flatMap { DatabaseSettings.decode($0, diagnostics: diagnostics) },
            maxRelays: reader.optional("max_relays", .int(in: 1...10_000)),
            api: reader.node("api").flatMap { APISettings.decode($0, diagnostics: diagnostics) },
            ingest: reader.node("ingest").flatMap { IngestSettings.decode($0, diagnostics: diagnostics) },
            companions: decodeCompanions(&reader, registry: registry, diagnostics: diagnostics))
        reader.finish()
        return settings
    }

    private static func decodeCompanions(
        _ reader: inout MappingReader, registry: PluginRegistry, diagnostics: Diagnostics
    ) -> [String: String] {
        var companions: [String: String] = [:]
        for section in registry.companionSections {
            // A companion that needs no section exists with its defaults when it is absent.
            let absent = ConfigNode(.mapping([]), at: reader.node.location)
            guard let node = reader.node(section) ?? (registry.companionNeedsSection(section) ? nil : absent),
                var sectionReader = MappingReader(node, context: "\"\(section)\"", diagnostics: diagnostics),
                let settings = registry.decodeCompanionSettings(section, from: &sectionReader)
            else { continue }
            companions[section] = settings
        }
        return companions
    }
}
