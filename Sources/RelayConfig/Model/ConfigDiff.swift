import RelayCore

/// How routes changed between two configs, by name, for reload: unchanged routes keep
/// their relays, changed ones restart, removed ones stop, added ones start.
public struct ConfigDiff: Sendable, Equatable {
    public var added: [String] = []
    public var removed: [String] = []
    public var changed: [String] = []
    public var unchanged: [String] = []
    /// Global settings differ (some, like `sink_queue_packets`, reach running relays only on restart).
    public var settingsChanged = false

    public init(
        added: [String] = [], removed: [String] = [], changed: [String] = [], unchanged: [String] = [],
        settingsChanged: Bool = false
    ) {
        self.added = added
        self.removed = removed
        self.changed = changed
        self.unchanged = unchanged
        self.settingsChanged = settingsChanged
    }
}

extension GatewayConfig {
    /// Compares each route by what a relay of it would run: channel and pattern, source,
    /// the transcoder its profile resolves to, and each output's sink. Renaming a profile
    /// without changing its transcoder is therefore not a change. Names are in file order.
    public func diff(from old: GatewayConfig) -> ConfigDiff {
        var diff = ConfigDiff(settingsChanged: settings != old.settings)
        for route in routes {
            guard let before = old.route(named: route.name) else {
                diff.added.append(route.name)
                continue
            }
            if old.resolved(before) == resolved(route) {
                diff.unchanged.append(route.name)
            } else {
                diff.changed.append(route.name)
            }
        }
        diff.removed = old.routes.map(\.name).filter { route(named: $0) == nil }
        return diff
    }

    private struct ResolvedRoute: Equatable {
        var channel: String?
        var match: RoutePattern?
        var source: PluginConfig
        var transcoder: PluginConfig?
        var outputs: [RelaySpec.Output?]
    }

    private func resolved(_ route: RouteConfig) -> ResolvedRoute {
        ResolvedRoute(
            channel: route.channel, match: route.match, source: route.source,
            transcoder: profiles[route.profile]?.transcoder,
            outputs: route.outputs.map { name in platforms[name].map { RelaySpec.Output(name: name, sink: $0.sink) } })
    }
}
