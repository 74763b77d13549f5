public import RelayCore

/// What a reload does to the running relays, decided in one place: the new config's static
/// relays plus every relay started through the API, resolved again against the new config,
/// compared with what runs. Unchanged relays keep running untouched, relays whose outputs
/// alone changed have those outputs added or removed in place, other changed ones restart
/// (the old run exits before the new one publishes), removed ones stop, new ones start.
public struct ReloadPlan: Sendable, Equatable {
    public enum Change: Sendable, Equatable {
        /// Same spec, same reason to run: untouched.
        case keep(RelayKey)
        /// Same spec, but now a static relay takes over an API one on the same route (or
        /// back): untouched, and its history says why it runs.
        case adopt(RelayKey, origin: RelayOrigin)
        /// The relay at the key must become `spec` (changed options, or its channel moved
        /// to another route): it restarts.
        case restart(RelayKey, spec: RelaySpec, origin: RelayOrigin)
        /// Only its outputs differ: the outputs added or removed (an output whose settings
        /// changed is both) are, and nothing else of the relay is touched.
        case updateOutputs(RelayKey, spec: RelaySpec, origin: RelayOrigin)
        case stop(RelayKey, reason: String)
        case start(RelaySpec, origin: RelayOrigin)
    }

    public var changes: [Change]
    /// Routes and sections as they differ.
    public var diff: ConfigDiff

    /// What this reload did, in numbers, for its log line.
    public var summary: RelayChangeCount {
        var count = RelayChangeCount()
        for change in changes {
            switch change {
            case .keep, .adopt: count.unchanged += 1
            case .restart: count.restarted += 1
            case .updateOutputs: count.updated += 1
            case .stop: count.stopped += 1
            case .start: count.started += 1
            }
        }
        return count
    }
}

/// A relay that runs (or waits to run) when a reload comes.
public struct RunningRelay: Sendable, Equatable {
    public var spec: RelaySpec
    public var origin: RelayOrigin
    /// Running or about to run again; false while it stops for good.
    public var isLive: Bool
    /// A previous reload's replacement is waiting for it to stop.
    public var isBeingReplaced: Bool

    public init(spec: RelaySpec, origin: RelayOrigin, isLive: Bool = true, isBeingReplaced: Bool = false) {
        self.spec = spec
        self.origin = origin
        self.isLive = isLive
        self.isBeingReplaced = isBeingReplaced
    }

    public var key: RelayKey { RelayKey(spec) }
}

/// A reload's relays in numbers.
public struct RelayChangeCount: Sendable, Equatable, CustomStringConvertible {
    public var unchanged = 0
    public var restarted = 0
    public var stopped = 0
    public var started = 0
    /// Outputs changed in place.
    public var updated = 0

    public init() {}

    public var description: String {
        let updates = updated > 0 ? ", \(updated) with outputs changed in place" : ""
        return "\(unchanged) unchanged, \(restarted) restarted, \(stopped) stopped, \(started) started\(updates)"
    }
}

extension GatewayConfig {
    /// The relays this config starts by itself: routes with a fixed channel.
    public var staticRelays: [RelaySpec] {
        staticRoutes.compactMap { route in route.channel.map { relaySpec(for: route, channel: $0) } }
    }

    /// The spec of a relay asked for through the API, resolved against this config; nil
    /// when no route serves it any more.
    public func resolve(_ request: RelayRequest) -> RelaySpec? {
        guard case .success(let route) = route(for: request.channel, named: request.route) else { return nil }
        return relaySpec(for: route, channel: request.channel)
    }

    /// What reloading from `old` to this config does to `running`.
    public func reloadPlan(from old: GatewayConfig, running: [RunningRelay]) -> ReloadPlan {
        let running = Dictionary(running.map { ($0.key, $0) }) { first, _ in first }
        var desired: [RelayKey: (spec: RelaySpec, origin: RelayOrigin)] = [:]
        for spec in staticRelays where desired[RelayKey(spec)] == nil { desired[RelayKey(spec)] = (spec, .config) }
        // A static relay takes its channel from an API-started one.
        let staticChannels = Set(staticRelays.map(\.channel))
        for relay in running.values where relay.isLive {
            guard case .requested(let request) = relay.origin, !staticChannels.contains(request.channel),
                let spec = resolve(request)
            else { continue }
            desired[RelayKey(spec)] = (spec, relay.origin)
        }
        var changes: [ReloadPlan.Change] = []
        for key in running.keys.sorted() where desired[key] == nil && running[key]?.isLive == true {
            // A relay whose channel moves to another route is restarted below, not stopped.
            if desired.keys.contains(where: { $0.channel == key.channel }) { continue }
            changes.append(.stop(key, reason: running[key]?.origin == .config ? "removed from config" : "its route changed or is gone"))
        }
        for key in desired.keys.sorted() {
            let (spec, origin) = desired[key]!
            if let existing = running[key] {
                let untouched = existing.spec == spec && existing.isLive && !existing.isBeingReplaced
                if untouched {
                    changes.append(existing.origin == origin ? .keep(key) : .adopt(key, origin: origin))
                } else if existing.isLive, !existing.isBeingReplaced, Self.onlyOutputsDiffer(existing.spec, spec) {
                    changes.append(.updateOutputs(key, spec: spec, origin: origin))
                } else {
                    changes.append(.restart(key, spec: spec, origin: origin))
                }
            } else if let other = running.values.first(where: { $0.key.channel == key.channel && $0.key != key }) {
                changes.append(.restart(other.key, spec: spec, origin: origin))
            } else {
                changes.append(.start(spec, origin: origin))
            }
        }
        return ReloadPlan(changes: changes, diff: diff(from: old))
    }

    /// Whether `new` is `old` with other outputs (and nothing else changed).
    static func onlyOutputsDiffer(_ old: RelaySpec, _ new: RelaySpec) -> Bool {
        guard old.outputs != new.outputs, !new.outputs.isEmpty else { return false }
        var same = old
        same.outputs = new.outputs
        return same == new
    }
}
