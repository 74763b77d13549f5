import Foundation
public import Logging
import Metrics
public import RelayConfig
public import RelayCore
import RelayRuntime
public import RelayStore
public import ServiceLifecycle
public import UnixSignals

/// The relay manager as a service of the gateway's `ServiceGroup`: boots the relays, keeps
/// the periodic work going (stats lines, metrics records, companions' own work), reloads on
/// SIGHUP, and on graceful shutdown stops every relay before the services after it
/// (ingest, recorder, API) go.
public struct ManagerService<C: Clock>: Service where C.Duration == Duration {
    let manager: RelayManager<C>
    /// Each plugin companion, by section, for its `run`.
    let companions: [String: any RelayCompanion]
    /// What the database said ran before this gateway started (read before the API listens).
    let previous: PreviousRelays?
    /// Reads and validates the config directory again (SIGHUP).
    let loadConfig: @Sendable () throws(ConfigErrors) -> GatewayConfig
    /// Called before a reload is applied whose config needs the ingest listener.
    let needsIngest: @Sendable (GatewayConfig) async -> Void
    /// SIGHUP, trapped by the caller as early as it can: untrapped, it would end the process.
    let hangups: UnixSignalsSequence
    let logger: Logger

    public init(
        manager: RelayManager<C>, companions: [String: any RelayCompanion], previous: PreviousRelays?,
        loadConfig: @escaping @Sendable () throws(ConfigErrors) -> GatewayConfig,
        needsIngest: @escaping @Sendable (GatewayConfig) async -> Void, hangups: UnixSignalsSequence, logger: Logger
    ) {
        self.hangups = hangups
        self.manager = manager
        self.companions = companions
        self.previous = previous
        self.loadConfig = loadConfig
        self.needsIngest = needsIngest
        self.logger = logger
    }

    public func run() async throws {
        await manager.boot(previous: previous)
        let supervisor = manager.supervisor
        let metricsInterval = await manager.config.settings.database?.metricsInterval
        await withDiscardingTaskGroup { group in
            group.addTask { await supervisor.logStatsPeriodically() }
            if let metricsInterval { group.addTask { await supervisor.recordMetricsPeriodically(every: metricsInterval) } }
            for (section, companion) in companions {
                group.addTask { await companion.run(relays: await supervisor.relayIDs(usingCompanion: section)) }
            }
            group.addTask {
                for await _ in hangups { await reload() }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        logger.notice("stopping every relay")
        await manager.shutdown()
    }

    /// All or nothing: an invalid config leaves the running one in place and says why.
    func reload() async {
        let next: GatewayConfig
        do {
            next = try loadConfig()
        } catch {
            for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
            Counter(label: "relaygate_reloads_total", dimensions: [("result", "failed")]).increment()
            logger.error("reload rejected: configuration is not valid; the running configuration stays")
            return
        }
        await needsIngest(next)
        let plan = await manager.reload(next)
        Counter(label: "relaygate_reloads_total", dimensions: [("result", "ok")]).increment()
        logger.notice("configuration reloaded: relays \(plan.summary)", metadata: ["routes": "\(next.routes.count)"])
    }
}
