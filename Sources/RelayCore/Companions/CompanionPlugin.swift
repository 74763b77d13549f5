public import Logging
import Synchronization

/// A plugin's companion descriptor (see `RelayCompanion`), named by the plugin's descriptor
/// (`SourcePlugin.companion`, `SinkPlugin.companion`). Its settings are its own section of
/// relaygate.yaml, which it decodes and validates itself; a route using the plugin needs
/// that section unless `needsSection` is false. The core knows no section names.
public protocol CompanionPlugin: SendableMetatype {
    associatedtype Settings: PluginOptions
    /// The top-level key of relaygate.yaml it reads; also the companion's name in logs.
    static var section: String { get }
    /// False for a companion whose accounts are its platforms' own settings (a sink plugin
    /// whose platforms each name their account): it exists with its section's defaults
    /// when the section is absent. Default: true.
    static var needsSection: Bool { get }
    /// Reads the section's keys; report problems through `reader.diagnostics`.
    static func decodeSettings(_ reader: inout MappingReader) -> Settings?
    /// The gateway's one companion for this plugin. Throws when it cannot exist (an HTTP
    /// client it cannot make): the gateway does not start.
    static func makeCompanion(settings: Settings, context: CompanionContext) throws -> any RelayCompanion
}

extension CompanionPlugin {
    public static var needsSection: Bool { true }
}

/// What a companion gets from the gateway when it is made.
public struct CompanionContext: Sendable {
    public var logger: Logger
    /// Starts and stops relays for the companion's webhooks; connected once the gateway's
    /// relay manager exists.
    public var director: DirectorLink
    /// Where it keeps what it creates at its service, so a restarted gateway finds it.
    public var ledger: any ResourceLedger

    public init(logger: Logger, director: DirectorLink, ledger: any ResourceLedger = MemoryLedger()) {
        self.logger = logger
        self.director = director
        self.ledger = ledger
    }
}

/// The relay director, once there is one: companions exist before the manager that directs
/// relays (the manager calls them), so the link is made afterwards.
public final class DirectorLink: Sendable {
    private let director = Mutex<(any RelayDirector)?>(nil)

    public init() {}

    /// Nil while the gateway is starting.
    public var current: (any RelayDirector)? { director.withLock { $0 } }

    public func connect(_ director: any RelayDirector) { self.director.withLock { $0 = director } }
}
