import ControlAPI
import Foundation
public import Logging
import Metrics
import Prometheus
public import RelayConfig
import RelayCore
import RelayManager
import RelayRuntime
import RelayStore
import RTMPIngest
import ServiceLifecycle
import UnixSignals

/// `relaygate run`, composed: one `ServiceGroup` of the control API, the recorder, the RTMP
/// ingest and the relay manager. SIGTERM and SIGINT shut it down gracefully in the reverse
/// of that order: the manager stops every relay (and its companions clean up), the ingest
/// closes, the recorder writes what is queued, and the API goes last, so clients see the
/// relays stop. SIGHUP reloads (the manager's).
public struct GatewayDaemon {
    let config: GatewayConfig
    let loader: ConfigLoader
    let directory: String
    let logger: Logger

    public init(config: GatewayConfig, loader: ConfigLoader, directory: String, logger: Logger) {
        self.config = config
        self.loader = loader
        self.directory = directory
        self.logger = logger
    }

    /// Runs until SIGTERM or SIGINT; throws when the gateway cannot start or a listener
    /// fails (the gateway then stops its relays before the error reaches the caller).
    public func run() async throws {
        // First: until it is trapped, a SIGHUP (a reload) would end the process.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let registry = loader.registry
        let prometheus = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: prometheus))
        let postgres = makeRecorder()
        // The ingest server exists from the start (relays register with it); it listens once
        // a route needs it.
        let ingest = RTMPIngestServer(configuration: IngestSetup.configuration(config.settings.ingest), logger: logger)
        let ingestService = IngestService(server: ingest, neededAtBoot: config.needsIngest(registry), logger: logger)
        let director = DirectorLink()
        // Companions keep what they create at their services where a restarted gateway finds it.
        let ledger: any ResourceLedger = config.settings.database.map { PostgresLedger(url: DatabaseURL($0.url)) } ?? MemoryLedger()
        let companions = try makeCompanions(registry: registry, director: director, ledger: ledger)
        let supervisor = RelaySupervisor(
            settings: SupervisorSettings(), logger: logger, clock: ContinuousClock(),
            executor: WorkerExecutor(ingest: ingest), registry: registry,
            recorder: postgres ?? DiscardingRecorder() as any RelayRecorder, ingest: ingest, companions: companions)
        let manager = RelayManager(
            config: config, registry: registry, supervisor: supervisor, clock: ContinuousClock(), logger: logger,
            metricsText: { prometheus.emitToString() })
        director.connect(manager)
        // Read before the API accepts starts, so what it says predates anything this run does.
        let previous = await readPreviousRelays()
        let loader = loader, directory = directory
        let managerService = ManagerService(
            manager: manager, companions: companions, previous: previous,
            loadConfig: { () throws(ConfigErrors) in try loader.load(directory: directory) },
            needsIngest: { next in
                // A first route pushed to: publishers need the listener now.
                if next.needsIngest(registry), !ingest.isListening { try? await ingestService.listen() }
            }, hangups: hangups, logger: logger)

        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let api = try makeAPI(control: manager, webhooks: companions.values.compactMap { $0 as? any WebhookReceiver }) {
            services.append(.init(service: api, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "api"))
        } else {
            logger.notice("control API is off (relaygate.yaml has no api: section)")
        }
        if let postgres {
            services.append(.init(service: RecorderService(recorder: postgres, logger: logger), serviceName: "recorder"))
        }
        services.append(.init(service: ingestService, failureTerminationBehavior: .gracefullyShutdownGroup, serviceName: "ingest"))
        services.append(.init(service: managerService, serviceName: "relays"))
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    /// PostgreSQL when `database:` is configured; nil: relay state is kept in memory only.
    private func makeRecorder() -> PostgresRecorder? {
        guard let settings = config.settings.database else {
            logger.notice("no database configured: relay state is kept in memory only")
            return nil
        }
        let url = DatabaseURL(settings.url)
        logger.notice(
            "relay state goes to PostgreSQL", metadata: ["database": "\(url.redacted)", "metrics_interval": "\(settings.metricsInterval)"])
        return PostgresRecorder(url: url, queueLimit: settings.queueLimit, logger: logger)
    }

    /// One companion per configured section (see `CompanionPlugin`).
    private func makeCompanions(
        registry: PluginRegistry, director: DirectorLink, ledger: any ResourceLedger
    ) throws -> [String: any RelayCompanion] {
        var companions: [String: any RelayCompanion] = [:]
        for (section, settings) in config.settings.companions.sorted(by: { $0.key < $1.key }) {
            var companionLogger = logger
            companionLogger[metadataKey: "companion"] = "\(section)"
            do {
                companions[section] = try registry.makeCompanion(
                    section, settings: settings, context: CompanionContext(logger: companionLogger, director: director, ledger: ledger))
            } catch {
                logger.critical("\(section): cannot start: \(error)")
                throw error
            }
        }
        return companions
    }

    /// The control API when `api:` is configured. A certificate or key it cannot use ends
    /// the run before anything starts; an address it cannot bind ends it once it tries.
    private func makeAPI(control: any RelayControl, webhooks: [any WebhookReceiver]) throws -> (any Service)? {
        guard let settings = config.settings.api else { return nil }
        do {
            let server = try APIServer(
                configuration: .init(
                    host: settings.host, port: settings.port,
                    tokens: settings.tokens.map { ($0.value, $0.scope == .admin ? APIScope.admin : .read) },
                    maxBody: settings.maxBody,
                    tls: settings.tls.map { APITLS(certificatePath: $0.certificate, keyPath: $0.key) }),
                control: control, webhooks: webhooks, logger: logger)
            return APIService(server: server, address: "\(settings.host):\(settings.port)", logger: logger)
        } catch {
            logger.critical("control API cannot start: \(error)")
            throw error
        }
    }

    /// What the database says ran before, read on a thread of its own (libpq blocks). Nil,
    /// logged, when there is no database, it is unreachable (bounded by the connect timeout:
    /// relays from the config still start) or migration 003 is not applied.
    private func readPreviousRelays() async -> PreviousRelays? {
        guard let settings = config.settings.database else { return nil }
        let url = DatabaseURL(settings.url)
        do {
            let previous = try await DedicatedThread.run(name: "relaygate-boot") { try PreviousRelays.read(url: url) }
            guard let previous else {
                logger.warning("database has no relays table (run `relaygate migrate up`): relays are not resumed after a restart")
                return nil
            }
            return previous
        } catch {
            logger.error("could not read the previous relay state; nothing is resumed: \(error)")
            return nil
        }
    }
}

/// The API server, saying why when it fails (an address already in use).
struct APIService: Service {
    let server: APIServer
    let address: String
    let logger: Logger

    func run() async throws {
        do {
            try await server.run()
        } catch {
            logger.critical("control API failed on \(address): \(error)")
            throw error
        }
    }
}
