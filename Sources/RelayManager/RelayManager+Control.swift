public import ControlAPI
import Foundation
import RelayConfig
import RelayCore
import RelayRuntime

/// The control API's view of the gateway: requests resolved against the current config,
/// then handed to the supervisor, which does every check that must be atomic (idempotency,
/// conflicts, limits).
extension RelayManager: RelayControl {
    /// How long a client should wait after hitting a `max_relays` limit: relays end on
    /// their own schedule, so this is a polite polling interval rather than a promise.
    static var limitRetryAfterSeconds: Int { 10 }

    public func start(channel: String, sellerUID: String, route: String?) async throws(ControlError) -> (
        relay: RelayView, created: Bool
    ) {
        try await start(channel: channel, sellerUID: sellerUID, route: route, ingestKey: nil)
    }

    /// `ingestKey`: the stream key to keep for a relay resumed after a restart (its
    /// publisher pushes to the old key); nil: a new random key when the source asks for one.
    func start(channel: String, sellerUID: String, route: String?, ingestKey: String?) async throws(ControlError) -> (
        relay: RelayView, created: Bool
    ) {
        let config = config
        let chosen: RouteConfig
        switch config.route(for: channel, named: route) {
        case .success(let found): chosen = found
        case .failure(.unknownRoute(let name)): throw .invalid(field: "route", message: "unknown route \"\(name)\"")
        case .failure(.routeDoesNotServe(let name, _)):
            throw .invalid(field: "route", message: "route \"\(name)\" does not serve channel \"\(channel)\"")
        case .failure(.noRouteMatches):
            throw .invalid(field: "channelId", message: "no route serves channel \"\(channel)\"")
        }
        // A relay its source cannot serve (a seller id the source's platform cannot have)
        // is refused before it exists, rather than failing at once.
        if let problem = registry.requestProblem(for: chosen.source, sellerUID: sellerUID) {
            throw .invalid(field: "sellerUid", message: "route \"\(chosen.name)\": \(problem)")
        }
        let spec = config.relaySpec(for: chosen, channel: channel)
        let request = RelayRequest(channel: channel, route: route, sellerUID: sellerUID)
        do {
            let result = try await supervisor.start(
                spec, origin: .requested(request), routeLimit: chosen.maxRelays, ingestKey: ingestKey)
            return (view(result.relay), result.created)
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

    public func stop(channel: String) async throws(ControlError) -> Bool {
        do {
            return try await supervisor.stop(channel: channel, reason: "stopped through the API")
        } catch {
            guard case .configured(let route) = error else { return false }
            throw .conflict(
                "channel \"\(channel)\" is relayed by route \"\(route)\" from the config; remove its channel there to stop it")
        }
    }

    public func relay(channel: String) async -> RelayView? {
        await supervisor.relay(channel: channel).map(view)
    }

    public func relays() async -> [RelayView] {
        await supervisor.status().map(view)
    }

    public func isReady() async -> Bool {
        let accepting = await supervisor.isAcceptingRelays
        return accepting && ready
    }

    public func metricsText() async -> String {
        await supervisor.updateGauges()
        return metricsText()
    }

    func view(_ snapshot: RelaySnapshot) -> RelayView {
        var sellerUID: String?
        if case .requested(let request) = snapshot.origin { sellerUID = request.sellerUID }
        return RelayView(
            id: snapshot.key.description, channel: snapshot.spec.channel, route: snapshot.spec.route,
            sellerUID: sellerUID, origin: snapshot.origin == .config ? .config : .api, state: snapshot.state,
            health: snapshot.health, startedAt: snapshot.startedAt, stats: snapshot.stats, restarts: snapshot.restarts,
            playbackURL: snapshot.grantedPlaybackURL ?? config.playbackURL(for: snapshot.spec),
            streamKey: GatewayConfig.streamKey(for: snapshot.spec), ingestURL: snapshot.ingest?.url,
            ingestSecureURL: snapshot.ingest?.secureURL, ingest: snapshot.ingest?.status, upstream: snapshot.upstream,
            platforms: snapshot.outputCompanions)
    }
}
