import Foundation
public import RelayCore

/// Resolving a relay asked for through the API, and what its clients are told about it.
extension GatewayConfig {
    public enum RouteChoiceError: Error, Sendable, Equatable {
        case unknownRoute(String)
        /// The named route neither has this fixed channel nor a pattern matching it.
        case routeDoesNotServe(route: String, channel: String)
        case noRouteMatches(String)
    }

    /// The route that serves `channel`: the one named `name`, which must serve it, or
    /// without a name the first route in config order (files by name, then position in
    /// the file) whose fixed `channel` is it or whose `match` pattern accepts it.
    public func route(for channel: String, named name: String?) -> Result<RouteConfig, RouteChoiceError> {
        func serves(_ route: RouteConfig) -> Bool { route.channel == channel || route.match?.match(channel) != nil }
        if let name {
            guard let route = route(named: name) else { return .failure(.unknownRoute(name)) }
            return serves(route) ? .success(route) : .failure(.routeDoesNotServe(route: name, channel: channel))
        }
        guard let route = routes.first(where: serves) else { return .failure(.noRouteMatches(channel)) }
        return .success(route)
    }

    /// Where buyers watch the relay: the first output platform's `playback_url`, variables filled.
    public func playbackURL(for spec: RelaySpec) -> String? {
        guard let first = spec.outputs.first, let template = platforms[first.name]?.playbackURL else { return nil }
        return try? Template.expand(template, values: Self.variables(of: spec))
    }

    /// The first output's stream key: the last path segment of its `url`, variables filled.
    /// A secret: only admin clients see it, and it is never logged.
    public static func streamKey(for spec: RelaySpec) -> String? {
        guard let first = spec.outputs.first,
            let options = try? JSONSerialization.jsonObject(with: Data(first.sink.options.utf8)) as? [String: Any],
            let template = options["url"] as? String,
            let url = try? Template.expand(template, values: variables(of: spec))
        else { return nil }
        let path = url.split(separator: "?", maxSplits: 1).first ?? ""
        guard let schemeEnd = path.range(of: "://") else { return nil }
        let segments = path[schemeEnd.upperBound...].split(separator: "/")
        return segments.count > 1 ? segments.last.map(String.init) : nil
    }

    static func variables(of spec: RelaySpec) -> [String: String] {
        spec.values.merging(["channel": spec.channel, "route": spec.route]) { _, fixed in fixed }
    }
}
