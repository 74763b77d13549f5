import Foundation
public import Logging
public import RelayConfig
public import RelayCore
public import RelayRuntime
public import RelayStore

/// The gateway's relays as the config, the API, webhooks and the CLI see them: owns the
/// current config, resolves routes, applies reloads (`ReloadPlan`), reconciles with what
/// the database says ran before a restart, and drives the relay table (`RelaySupervisor`),
/// which carries out each relay's lifecycle.
public actor RelayManager<C: Clock> where C.Duration == Duration {
    public let supervisor: RelaySupervisor<C>
    public private(set) var config: GatewayConfig
    let registry: PluginRegistry
    let logger: Logger
    let clock: C
    /// The Prometheus text of every metric (the process's metrics backend).
    let metricsText: @Sendable () -> String
    var ready = false

    public init(
        config: GatewayConfig, registry: PluginRegistry, supervisor: RelaySupervisor<C>, clock: C, logger: Logger,
        metricsText: @escaping @Sendable () -> String = { "" }
    ) {
        self.config = config
        self.registry = registry
        self.supervisor = supervisor
        self.clock = clock
        self.logger = logger
        self.metricsText = metricsText
    }

    /// Starts the config's static relays, then resumes what ran before a restart (see
    /// `reconcile`). Requests are accepted from then on.
    public func boot(previous: PreviousRelays? = nil) async {
        await configureSupervisor()
        await configureCompanions()
        for note in config.notes { logger.warning("\(note)") }
        for spec in config.staticRelays { await supervisor.startConfigured(spec, origin: .config) }
        if let previous { await reconcile(previous) }
        ready = true
    }

    /// Makes the running relays match `next` (already loaded and valid: an invalid config
    /// never gets here, the running one stays). Returns what it did.
    @discardableResult
    public func reload(_ next: GatewayConfig) async -> ReloadPlan {
        let running = await supervisor.status().map {
            RunningRelay(spec: $0.spec, origin: $0.origin, isLive: $0.isLive, isBeingReplaced: $0.isBeingReplaced)
        }
        let plan = next.reloadPlan(from: config, running: running)
        config = next
        await configureSupervisor()
        await configureCompanions()
        for section in plan.diff.needsRestart {
            logger.warning("\(section): settings changed; they take effect when relaygate restarts")
        }
        for note in next.notes { logger.warning("\(note)") }
        for change in plan.changes {
            switch change {
            case .keep: break
            case .adopt(let key, let origin): await supervisor.adopt(key, origin: origin)
            case .restart(let key, let spec, let origin):
                if RelayKey(spec) == key {
                    logger.info("relay changed; restarting it", metadata: meta(key))
                } else {
                    logger.info("relay moves to route \(spec.route); restarting it", metadata: meta(key))
                }
                await supervisor.replace(key, with: spec, origin: origin)
            case .updateOutputs(let key, let spec, let origin):
                if !(await supervisor.updateOutputs(key, to: spec, origin: origin)) {
                    logger.info("relay outputs changed; restarting it", metadata: meta(key))
                    await supervisor.replace(key, with: spec, origin: origin)
                }
            case .stop(let key, let reason): await supervisor.stop(key, reason: reason)
            case .start(let spec, let origin): await supervisor.startConfigured(spec, origin: origin)
            }
        }
        return plan
    }

    /// Stops every relay (their companions cleaned up); no request is accepted any more.
    public func shutdown() async {
        ready = false
        await supervisor.shutdown()
    }

    /// The supervisor's settings and playback naming from the current config.
    private func configureSupervisor() async {
        let config = config
        let settings = config.settings
        await supervisor.update(
            settings: SupervisorSettings(
                logLevel: settings.logLevel, statsInterval: settings.statsInterval, stopTimeout: settings.stopTimeout,
                restart: settings.restartDefaults,
                routeRestart: Dictionary(config.routes.map { ($0.name, $0.restart) }) { first, _ in first },
                maxRelays: settings.maxRelays))
        await supervisor.update(playback: { spec in (config.playbackURL(for: spec), spec.outputs.first?.name) })
    }

    /// Each companion learns its platforms in the current config (see `RelayCompanion.configure`).
    private func configureCompanions() async {
        for (section, companion) in supervisor.companions.sorted(by: { $0.key < $1.key }) {
            let platforms = config.platforms.filter { registry.companionSection(for: $0.value.sink) == section }
            await companion.configure(platforms: platforms.mapValues(\.sink))
        }
    }

    func meta(_ key: RelayKey) -> Logger.Metadata { ["route": "\(key.route)", "channel": "\(key.channel)"] }
}
