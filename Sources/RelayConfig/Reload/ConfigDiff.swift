import RelayCore

/// How two configs differ, for reload: routes by name (what a relay of each would run),
/// and the sections of relaygate.yaml that only take effect when relaygate restarts. What
/// happens to each running relay is `ReloadPlan`'s, which starts from this.
public struct ConfigDiff: Sendable, Equatable {
    public var added: [String] = []
    public var removed: [String] = []
    public var changed: [String] = []
    public var unchanged: [String] = []
    /// Global settings differ (some, like `sink_queue_packets`, reach running relays only on restart).
    public var settingsChanged = false
    /// Sections whose change needs a restart of relaygate (the listeners, the database, the
    /// plugin companions), sorted.
    public var needsRestart: [String] = []

    public init(
        added: [String] = [], removed: [String] = [], changed: [String] = [], unchanged: [String] = [],
        settingsChanged: Bool = false, needsRestart: [String] = []
    ) {
        self.added = added
        self.removed = removed
        self.changed = changed
        self.unchanged = unchanged
        self.settingsChanged = settingsChanged
        self.needsRestart = needsRestart
    }
}

extension GatewayConfig {
    /// Compares each route by what a relay of it would run: channel and pattern, source,
    /// the transcoder its profile resolves to, and each output's sink. Renaming a profile
    /// without changing its transcoder is therefore not a change. Names are in file order.
    public func diff(from old: GatewayConfig) -> ConfigDiff {
        var diff = ConfigDiff(settingsChanged: settings != old.settings, needsRestart: settings.needsRestart(from: old.settings))
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

extension GlobalSettings {
    /// The sections that differ from `old` and that a running gateway cannot change: the
    /// API and ingest listeners, the database connection, each plugin companion.
    func needsRestart(from old: GlobalSettings) -> [String] {
        var sections: [String] = []
        if api != old.api { sections.append("api") }
        if database != old.database { sections.append("database") }
        if ingest != old.ingest { sections.append("ingest") }
        for section in Set(companions.keys).union(old.companions.keys) where companions[section] != old.companions[section] {
            sections.append(section)
        }
        return sections.sorted()
    }
}
