public import RelayCore

/// The whole validated configuration: what `ConfigLoader.load` returns. Every profile and
/// platform a route names exists, so `relaySpec(for:channel:)` cannot fail.
public struct GatewayConfig: Sendable, Equatable {
    public var settings: GlobalSettings
    /// Includes the built-in `passthrough` profile (unless conf.d replaced it).
    public var profiles: [String: ProfileConfig]
    public var platforms: [String: PlatformConfig]
    /// In file order: files by name, then by position in the file.
    public var routes: [RouteConfig]
    /// What plugins want ops to know about this config (not errors): `validate` prints them.
    public var notes: [Diagnostic] = []

    public init(
        settings: GlobalSettings = GlobalSettings(), profiles: [String: ProfileConfig] = [:],
        platforms: [String: PlatformConfig] = [:], routes: [RouteConfig] = []
    ) {
        self.settings = settings
        self.profiles = profiles
        self.platforms = platforms
        self.routes = routes
    }

    /// Whether the RTMP ingest server runs: `ingest:` is configured, or a route's source is
    /// pushed to (`registry` tells which sources are).
    public func needsIngest(_ registry: PluginRegistry) -> Bool {
        settings.ingest != nil || routes.contains { registry.ingestEndpoint(for: $0.source) != nil }
    }

    /// Routes with a fixed `channel`, whose relays start at boot.
    public var staticRoutes: [RouteConfig] { routes.filter { $0.channel != nil } }

    public func route(named name: String) -> RouteConfig? { routes.first { $0.name == name } }

    /// The first route whose `match` pattern accepts `channel`, with the pattern's captures.
    public func route(matching channel: String) -> (route: RouteConfig, captures: [String: String])? {
        for route in routes {
            if let captures = route.match?.match(channel) { return (route, captures) }
        }
        return nil
    }

    /// Everything one relay of `route` on `channel` needs. Variable values are the
    /// route pattern's captures (when it matches `channel`), overridden by `values`.
    /// `route` must come from this config: its profile and outputs must exist here.
    public func relaySpec(for route: RouteConfig, channel: String, values: [String: String] = [:]) -> RelaySpec {
        var allValues = route.match?.match(channel) ?? [:]
        allValues.merge(values) { _, given in given }
        guard let profile = profiles[route.profile] else {
            preconditionFailure("route \"\(route.name)\" names profile \"\(route.profile)\", which this config lacks")
        }
        let outputs = route.outputs.map { name -> RelaySpec.Output in
            guard let platform = platforms[name] else {
                preconditionFailure("route \"\(route.name)\" names platform \"\(name)\", which this config lacks")
            }
            return RelaySpec.Output(name: name, sink: platform.sink)
        }
        return RelaySpec(
            route: route.name, channel: channel, values: allValues, source: route.source,
            transcoder: profile.transcoder, outputs: outputs, sinkQueuePackets: settings.sinkQueuePackets,
            reconnectWindowMs: route.reconnectWindow.milliseconds, sourceRetries: route.sourceRetries,
            slateImage: route.slateImage)
    }
}
