import AgoraSource
import ArgumentParser
import ControlAPI
import Foundation
import Glibc
import Logging
import Metrics
import Prometheus
import RelayConfig
import RelayCore
import RelayRuntime
import RTMPIngest

/// `relaygate run`: the daemon. Starts the config's static relays, each in its own worker
/// process; SIGHUP reloads (all or nothing), SIGTERM/SIGINT stop every relay cleanly.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the gateway.")

    @Option(name: .shortAndLong, help: "Config directory (relaygate.yaml and conf.d/).")
    var config: String = "/etc/relaygate"

    @Option(help: "Write the gateway's pid here (for `relaygate reload`); removed at exit.")
    var pidFile: String?

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let loader = ConfigLoader(registry: CompiledPlugins.registry)
        let initial: GatewayConfig
        do {
            initial = try loader.load(directory: config)
        } catch {
            printErrors(error)
            throw ExitCode(1)
        }
        let logger = LogSetup.bootstrap(level: initial.settings.logLevel)
        if let pidFile {
            do { try PidFile.write(pidFile) } catch {
                logger.critical("\(error)")
                throw ExitCode(1)
            }
        }
        defer { if let pidFile { PidFile.remove(pidFile) } }
        let signals = SignalStream.make([SIGTERM, SIGINT, SIGHUP])
        logger.info(
            "relaygate \(Relaygate.version) starting",
            metadata: ["config": "\(config)", "routes": "\(initial.routes.count)", "pid": "\(getpid())"])

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let records = RecorderSetup(initial.settings.database, logger: logger)
        // The ingest server exists from the start (relays register with it); it listens once
        // a route needs it.
        let ingest = RTMPIngestServer(configuration: Self.ingestConfiguration(initial.settings.ingest), logger: logger)
        if initial.needsIngest(CompiledPlugins.registry) {
            do {
                try await Self.listen(ingest, logger: logger)
            } catch {
                throw ExitCode(1)
            }
        }
        let agora = AgoraSetup(initial.settings.agora, logger: logger)
        let supervisor = RelaySupervisor(
            settings: Self.settings(initial), logger: logger, recorder: records.recorder, registry: CompiledPlugins.registry,
            ingest: ingest, upstream: agora?.service)
        await supervisor.update(playback: Self.playback(initial))
        let control = SupervisorControl(supervisor: supervisor, config: initial, registry: registry)
        agora?.service.connect(director: control)
        // Read before the API accepts starts, so what it says predates anything this run does.
        let reconciliation = await BootReconciliation.read(initial.settings.database, logger: logger)
        // The API listens before the relays start, so clients can watch them come up.
        let api = try Self.startAPI(
            initial.settings.api, control: control, webhooks: agora.map { [$0.service] } ?? [], logger: logger)
        await supervisor.apply(Self.staticRelays(initial), resolve: SupervisorControl.resolver(initial))
        await reconciliation?.resume(control: control, supervisor: supervisor, recorder: records.recorder, logger: logger)
        let agoraTask = await agora?.startBackground(running: Set(supervisor.status().map(\.key.description)))
        control.setReady(true)
        let statsTask = Task { await supervisor.logStatsPeriodically() }
        let metricsTask = initial.settings.database.map { database in
            Task { await supervisor.recordMetricsPeriodically(every: database.metricsInterval) }
        }
        let gaugesTask = Task { await records.publishGauges() }
        for await number in signals {
            if number == SIGHUP {
                do {
                    let next = try loader.load(directory: config)
                    // A first route pushed to: publishers need the listener now.
                    if next.needsIngest(CompiledPlugins.registry), !ingest.isListening {
                        try? await Self.listen(ingest, logger: logger)
                    }
                    control.update(config: next)
                    await supervisor.update(settings: Self.settings(next))
                    await supervisor.update(playback: Self.playback(next))
                    let changes = await supervisor.apply(
                        Self.staticRelays(next), resolve: SupervisorControl.resolver(next))
                    if next.settings.api != initial.settings.api {
                        logger.warning("api: settings changed; they take effect when relaygate restarts")
                    }
                    if next.settings.database != initial.settings.database {
                        logger.warning("database: settings changed; they take effect when relaygate restarts")
                    }
                    if next.settings.agora != initial.settings.agora {
                        logger.warning("agora: settings changed; they take effect when relaygate restarts")
                    }
                    if next.settings.ingest != initial.settings.ingest {
                        logger.warning("ingest: settings changed; they take effect when relaygate restarts")
                    }
                    Counter(label: "relaygate_reloads_total", dimensions: [("result", "ok")]).increment()
                    logger.notice(
                        "configuration reloaded: relays \(changes)", metadata: ["routes": "\(next.routes.count)"])
                } catch {
                    for diagnostic in error.diagnostics { logger.error("\(diagnostic)") }
                    Counter(label: "relaygate_reloads_total", dimensions: [("result", "failed")]).increment()
                    logger.error("reload rejected: configuration is not valid; the running configuration stays")
                }
                continue
            }
            logger.notice("received signal \(number); stopping every relay")
            break
        }
        control.setReady(false)
        statsTask.cancel()
        metricsTask?.cancel()
        await supervisor.shutdown()
        agoraTask?.cancel()
        // Stopped relays' converters are being deleted: let that finish before exiting.
        await agora?.shutdown(timeout: initial.settings.stopTimeout)
        await ingest.shutdown()
        // Every relay's final state is queued by now; write it before exiting.
        gaugesTask.cancel()
        await records.finish(logger: logger)
        // The API goes last: clients see relays stopping until the very end.
        var apiFailed = false
        if let api {
            await api.server.shutdown()
            apiFailed = await api.task.value == false
        }
        logger.notice("relaygate stopped")
        if apiFailed { throw ExitCode(1) }
    }

    /// Serves the control API in a task; nil when `api:` is absent. If it cannot serve (the
    /// address is taken), the gateway stops: the task sends SIGTERM to this process, and
    /// its value (false) makes the exit code 1. A certificate or key it cannot use ends the run.
    static func startAPI(
        _ settings: APISettings?, control: SupervisorControl, webhooks: [any WebhookReceiver], logger: Logger
    ) throws -> (
        server: APIServer, task: Task<Bool, Never>
    )? {
        guard let settings else {
            logger.notice("control API is off (relaygate.yaml has no api: section)")
            return nil
        }
        let server: APIServer
        do {
            server = try APIServer(
                configuration: .init(
                    host: settings.host, port: settings.port,
                    tokens: settings.tokens.map { ($0.value, $0.scope == .admin ? APIScope.admin : .read) },
                    maxBody: settings.maxBody,
                    tls: settings.tls.map { APITLS(certificatePath: $0.certificate, keyPath: $0.key) }),
                control: control, webhooks: webhooks, logger: logger)
        } catch {
            logger.critical("control API cannot start: \(error)")
            throw ExitCode(1)
        }
        let task = Task {
            do {
                try await server.run()
                return true
            } catch {
                logger.critical("control API failed on \(settings.host):\(settings.port): \(error)")
                kill(getpid(), SIGTERM)
                return false
            }
        }
        return (server, task)
    }

    /// `ingest:` (or its defaults) as the RTMP ingest server takes it.
    static func ingestConfiguration(_ settings: IngestSettings?) -> RTMPIngestConfiguration {
        let settings = settings ?? IngestSettings()
        return RTMPIngestConfiguration(
            host: settings.host, port: settings.port, publicURL: settings.effectivePublicURL,
            maxConnections: settings.maxConnections, handshakeTimeout: settings.handshakeTimeout,
            idleTimeout: settings.idleTimeout, queueBytes: settings.queueBytes, chunkSize: settings.chunkSize,
            maxChunkSize: settings.maxChunkSize, maxMessageSize: settings.maxMessageSize,
            tls: settings.rtmps.map {
                RTMPIngestConfiguration.TLS(
                    host: $0.host, port: $0.port, certificatePath: $0.certificate, privateKeyPath: $0.privateKey,
                    publicURL: $0.effectivePublicURL)
            })
    }

    /// Starts the ingest listener; a failure is logged (critical) and thrown.
    static func listen(_ ingest: RTMPIngestServer, logger: Logger) async throws {
        let configuration = ingest.configuration
        do {
            try await ingest.listen()
        } catch {
            logger.critical("RTMP ingest cannot listen on \(configuration.host):\(configuration.port): \(error)")
            throw error
        }
    }

    static func settings(_ config: GatewayConfig) -> SupervisorSettings {
        SupervisorSettings(
            logLevel: config.settings.logLevel, statsInterval: config.settings.statsInterval,
            stopTimeout: config.settings.stopTimeout, restart: config.settings.restartDefaults,
            routeRestart: Dictionary(config.routes.map { ($0.name, $0.restart) }) { first, _ in first },
            maxRelays: config.settings.maxRelays)
    }

    /// A relay's playback URL and the platform serving it, as the backend's `channels` row shows them.
    static func playback(_ config: GatewayConfig) -> @Sendable (RelaySpec) -> (url: String?, platform: String?) {
        { spec in (config.playbackURL(for: spec), spec.outputs.first?.name) }
    }

    static func staticRelays(_ config: GatewayConfig) -> [RelaySpec] {
        config.staticRoutes.compactMap { route in
            route.channel.map { config.relaySpec(for: route, channel: $0) }
        }
    }
}
