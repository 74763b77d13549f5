import AgoraSource
import ControlAPI
import Foundation
import Prometheus
import RelayConfig
import RelayCore
import RelayRuntime
import Synchronization

/// The API's view of the gateway: resolves requests against the current config and hands
/// them to the supervisor, which does every check that must be atomic (idempotency,
/// conflicts, limits).
final class SupervisorControl: RelayControl {
    let supervisor: RelaySupervisor
    private let registry: PrometheusCollectorRegistry
    private let config: Mutex<GatewayConfig>
    private let ready = Atomic<Bool>(false)

    /// How long a client should wait after hitting a `max_relays` limit: relays end on
    /// their own schedule, so this is a polite polling interval rather than a promise.
    static let limitRetryAfterSeconds = 10

    init(supervisor: RelaySupervisor, config: GatewayConfig, registry: PrometheusCollectorRegistry) {
        self.supervisor = supervisor
        self.registry = registry
        self.config = Mutex(config)
    }

    func update(config next: GatewayConfig) { config.withLock { $0 = next } }
    var currentConfig: GatewayConfig { config.withLock { $0 } }
    func setReady(_ value: Bool) { ready.store(value, ordering: .releasing) }

    /// Resolves an API-started relay against `config`; nil when no route serves it any more.
    static func resolver(_ config: GatewayConfig) -> (RelayRequest) -> RelaySpec? {
        { request in
            guard case .success(let route) = config.route(for: request.channel, named: request.route) else { return nil }
            return config.relaySpec(for: route, channel: request.channel)
        }
    }

    func start(channel: String, sellerUID: String, route: String?) async throws(ControlError) -> (
        relay: RelayView, created: Bool
    ) {
        try await start(channel: channel, sellerUID: sellerUID, route: route, ingestKey: nil)
    }

    /// `ingestKey`: the stream key to keep for a relay resumed after a restart (its
    /// publisher pushes to the old key); nil: a new random key when the source asks for one.
    func start(channel: String, sellerUID: String, route: String?, ingestKey: String?) async throws(ControlError) -> (
        relay: RelayView, created: Bool
    ) {
        let config = self.config.withLock { $0 }
        let chosen: RouteConfig
        switch config.route(for: channel, named: route) {
        case .success(let found): chosen = found
        case .failure(.unknownRoute(let name)): throw .invalid(field: "route", message: "unknown route \"\(name)\"")
        case .failure(.routeDoesNotServe(let name, _)):
            throw .invalid(field: "route", message: "route \"\(name)\" does not serve channel \"\(channel)\"")
        case .failure(.noRouteMatches):
            throw .invalid(field: "channelId", message: "no route serves channel \"\(channel)\"")
        }
        if let problem = Self.sellerProblem(chosen, sellerUID: sellerUID) { throw .invalid(field: "sellerUid", message: problem) }
        let spec = config.relaySpec(for: chosen, channel: channel)
        let request = RelayRequest(channel: channel, route: route, sellerUID: sellerUID)
        do {
            let result = try await supervisor.start(
                spec, origin: .requested(request), routeLimit: chosen.maxRelays, ingestKey: ingestKey)
            return (view(result.relay, config), result.created)
        } catch {
            switch error {
            case .conflict(let other):
                throw .conflict("channel \"\(channel)\" is already relayed by route \"\(other)\"")
            case .limitReached(let scope, let limit):
                let which = scope == "global" ? "the gateway's max_relays" : "route \"\(scope)\"'s max_relays"
                throw .limitReached(
                    "relay limit reached: \(which) is \(limit) and \(limit) relays are running; stop one or raise the limit",
                    retryAfterSeconds: Self.limitRetryAfterSeconds)
            case .stopping:
                throw .unavailable("channel \"\(channel)\"'s relay is still stopping; try again", retryAfterSeconds: 1)
            case .shuttingDown:
                throw .unavailable("the gateway is shutting down", retryAfterSeconds: 5)
            case .ingestUnavailable(let why):
                throw .conflict("channel \"\(channel)\" cannot take publishers: \(why)")
            }
        }
    }

    /// An agora relay pushes the seller's Agora uid: refuse one that cannot be, before the
    /// relay exists (rather than a relay that fails at once).
    static func sellerProblem(_ route: RouteConfig, sellerUID: String) -> String? {
        guard route.source.type == AgoraSourcePlugin.type,
            let options = try? JSONDecoder().decode(AgoraSourceOptions.self, from: Data(route.source.options.utf8)),
            options.seller == .broadcaster
        else { return nil }
        guard let uid = UInt32(sellerUID), uid > 0 else {
            return "route \"\(route.name)\" relays an Agora broadcaster: sellerUid must be their Agora uid (1 to 4294967295)"
        }
        return nil
    }

    func stop(channel: String) async throws(ControlError) -> Bool {
        do {
            return try await supervisor.stop(channel: channel, reason: "stopped through the API")
        } catch {
            guard case .configured(let route) = error else { return false }
            throw .conflict(
                "channel \"\(channel)\" is relayed by route \"\(route)\" from the config; remove its channel there to stop it")
        }
    }

    func relay(channel: String) async -> RelayView? {
        let config = self.config.withLock { $0 }
        return await supervisor.relay(channel: channel).map { view($0, config) }
    }

    func relays() async -> [RelayView] {
        let config = self.config.withLock { $0 }
        return await supervisor.status().map { view($0, config) }
    }

    func isReady() async -> Bool {
        let accepting = await supervisor.isAcceptingRelays
        return accepting && ready.load(ordering: .acquiring)
    }

    func metricsText() async -> String {
        await supervisor.updateGauges()
        return registry.emitToString()
    }

    private func view(_ snapshot: RelaySnapshot, _ config: GatewayConfig) -> RelayView {
        var sellerUID: String?
        if case .requested(let request) = snapshot.origin { sellerUID = request.sellerUID }
        return RelayView(
            id: snapshot.key.description, channel: snapshot.spec.channel, route: snapshot.spec.route,
            sellerUID: sellerUID, origin: snapshot.origin == .config ? .config : .api, state: snapshot.state,
            health: snapshot.health, startedAt: snapshot.startedAt, stats: snapshot.stats, restarts: snapshot.restarts,
            playbackURL: config.playbackURL(for: snapshot.spec), streamKey: GatewayConfig.streamKey(for: snapshot.spec),
            ingestURL: snapshot.ingest?.url, ingestSecureURL: snapshot.ingest?.secureURL, ingest: snapshot.ingest?.status,
            upstream: snapshot.upstream)
    }
}
