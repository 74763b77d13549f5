import Foundation
import RelayConfig
import RelayCore
import Testing

/// What a reload does to each running relay, decided in one place from the old config, the
/// new one and what runs.
@Suite struct ReloadPlanTests {
    func config(_ routes: String, settings: String = "") throws -> GatewayConfig {
        let directory = try temporaryConfig([
            "relaygate.yaml": settings,
            "conf.d/20-platforms.yaml": "platforms:\n  local: { type: rtmp, url: \"rtmp://127.0.0.1/live/{channel}\" }\n",
            "conf.d/30-routes.yaml": "routes:\n" + routes,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
    }

    static func route(_ name: String, channel: String? = nil, match: String? = nil, url: String = "rtmp://127.0.0.1/in/x") -> String {
        var fields = ["source: { type: pull, url: \"\(url)\" }", "outputs: [local]"]
        if let channel { fields.insert("channel: \(channel)", at: 0) }
        if let match { fields.insert("match: \"\(match)\"", at: 0) }
        return "  \(name): { \(fields.joined(separator: ", ")) }\n"
    }

    func running(_ config: GatewayConfig, route: String, channel: String, origin: RelayOrigin = .config) throws -> RunningRelay {
        let found = try #require(config.route(named: route))
        return RunningRelay(spec: config.relaySpec(for: found, channel: channel), origin: origin)
    }

    @Test func unchangedKeepChangedRestartRemovedStopNewStart() throws {
        let old = try config(Self.route("same", channel: "a") + Self.route("edited", channel: "b") + Self.route("gone", channel: "c"))
        let new = try config(
            Self.route("same", channel: "a") + Self.route("edited", channel: "b", url: "rtmp://10.0.0.9/in/x")
                + Self.route("fresh", channel: "d"))
        let running = try [("same", "a"), ("edited", "b"), ("gone", "c")].map { try self.running(old, route: $0.0, channel: $0.1) }
        let plan = new.reloadPlan(from: old, running: running)
        let edited = try #require(new.route(named: "edited"))
        let fresh = try #require(new.route(named: "fresh"))
        #expect(
            plan.changes == [
                .stop(RelayKey(route: "gone", channel: "c"), reason: "removed from config"),
                .restart(RelayKey(route: "edited", channel: "b"), spec: new.relaySpec(for: edited, channel: "b"), origin: .config),
                .start(new.relaySpec(for: fresh, channel: "d"), origin: .config),
                .keep(RelayKey(route: "same", channel: "a")),
            ])
        #expect(plan.summary.description == "1 unchanged, 1 restarted, 1 stopped, 1 started")
        #expect(plan.diff.added == ["fresh"] && plan.diff.removed == ["gone"] && plan.diff.changed == ["edited"])
    }

    /// Outputs added or removed, nothing else changed: changed in place, not restarted; an
    /// output change that comes with another change restarts the relay.
    @Test func anOutputsOnlyChangeIsMadeInPlace() throws {
        let platforms = "platforms:\n  local: { type: rtmp, url: \"rtmp://127.0.0.1/live/{channel}\" }\n"
            + "  spare: { type: rtmp, url: \"rtmp://127.0.0.2/live/{channel}\" }\n"
        func load(_ routes: String) throws -> GatewayConfig {
            let directory = try temporaryConfig(["relaygate.yaml": "", "conf.d/20-platforms.yaml": platforms, "conf.d/30-routes.yaml": "routes:\n" + routes])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            return try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
        }
        let source = "source: { type: pull, url: \"rtmp://127.0.0.1/in/x\" }"
        let old = try load("  a: { channel: a, \(source), outputs: [local] }\n  b: { channel: b, \(source), outputs: [local] }\n")
        let new = try load(
            "  a: { channel: a, \(source), outputs: [local, spare] }\n"
                + "  b: { channel: b, source: { type: pull, url: \"rtmp://10.0.0.9/in/x\" }, outputs: [spare] }\n")
        let running = try ["a", "b"].map { try self.running(old, route: $0, channel: $0) }
        let plan = new.reloadPlan(from: old, running: running)
        let a = try #require(new.route(named: "a")), b = try #require(new.route(named: "b"))
        #expect(
            plan.changes == [
                .updateOutputs(RelayKey(route: "a", channel: "a"), spec: new.relaySpec(for: a, channel: "a"), origin: .config),
                .restart(RelayKey(route: "b", channel: "b"), spec: new.relaySpec(for: b, channel: "b"), origin: .config),
            ])
        #expect(plan.summary.description == "0 unchanged, 1 restarted, 0 stopped, 0 started, 1 with outputs changed in place")
        // Back again: the added output is removed in place too.
        let back = old.reloadPlan(from: new, running: [try self.running(new, route: "a", channel: "a")])
        let oldA = try #require(old.route(named: "a"))
        #expect(back.changes.first == .updateOutputs(RelayKey(route: "a", channel: "a"), spec: old.relaySpec(for: oldA, channel: "a"), origin: .config))
    }

    @Test func anAPIRelayIsResolvedAgainOrStoppedWhenNoRouteServesItAnyMore() throws {
        let old = try config(Self.route("sellers", match: "seller_{channelId}") + Self.route("shops", match: "shop_{n}"))
        let new = try config(Self.route("sellers", match: "seller_{channelId}"))
        let seller = RelayOrigin.requested(RelayRequest(channel: "seller_1", sellerUID: "u1"))
        let shop = RelayOrigin.requested(RelayRequest(channel: "shop_1", sellerUID: "u2"))
        let plan = new.reloadPlan(
            from: old,
            running: [
                try running(old, route: "sellers", channel: "seller_1", origin: seller),
                try running(old, route: "shops", channel: "shop_1", origin: shop),
            ])
        #expect(
            plan.changes == [
                .stop(RelayKey(route: "shops", channel: "shop_1"), reason: "its route changed or is gone"),
                .keep(RelayKey(route: "sellers", channel: "seller_1")),
            ])
    }

    @Test func aChannelMovingToAnotherRouteRestartsOnceAndIsNotAlsoStopped() throws {
        let old = try config(Self.route("broad", match: "seller_{channelId}"))
        let new = try config(Self.route("narrow", match: "seller_{channelId}", url: "rtmp://10.0.0.9/in/x") + Self.route("broad", match: "seller_{channelId}"))
        let origin = RelayOrigin.requested(RelayRequest(channel: "seller_7", sellerUID: "u"))
        let plan = new.reloadPlan(from: old, running: [try running(old, route: "broad", channel: "seller_7", origin: origin)])
        let narrow = try #require(new.route(named: "narrow"))
        #expect(
            plan.changes == [
                .restart(RelayKey(route: "broad", channel: "seller_7"), spec: new.relaySpec(for: narrow, channel: "seller_7"), origin: origin)
            ])
        #expect(plan.summary.description == "0 unchanged, 1 restarted, 0 stopped, 0 started")
    }

    @Test func aStaticRelayTakesItsChannelFromAnAPIOneOnTheSameRouteWithoutARestart() throws {
        let old = try config(Self.route("sellers", match: "seller_{channelId}"))
        let new = try config(Self.route("sellers", channel: "seller_3", match: "seller_{channelId}"))
        let asked = RelayOrigin.requested(RelayRequest(channel: "seller_3", sellerUID: "u"))
        let plan = new.reloadPlan(from: old, running: [try running(old, route: "sellers", channel: "seller_3", origin: asked)])
        #expect(plan.changes == [.adopt(RelayKey(route: "sellers", channel: "seller_3"), origin: .config)])
    }

    @Test func aRelayStillStoppingOrBeingReplacedIsStartedOrReplacedAgain() throws {
        let old = try config(Self.route("r", channel: "a"))
        var stopping = try running(old, route: "r", channel: "a")
        stopping.isLive = false
        let restarted = old.reloadPlan(from: old, running: [stopping])
        #expect(restarted.changes == [.restart(RelayKey(route: "r", channel: "a"), spec: stopping.spec, origin: .config)])
        var replaced = try running(old, route: "r", channel: "a")
        replaced.isBeingReplaced = true
        #expect(old.reloadPlan(from: old, running: [replaced]).changes == [.restart(RelayKey(route: "r", channel: "a"), spec: replaced.spec, origin: .config)])
    }

    @Test func sectionsARunningGatewayCannotChangeAreNamed() throws {
        let routes = Self.route("r", channel: "a")
        let old = try config(routes, settings: "log_level: info\n")
        let new = try config(routes, settings: "log_level: debug\napi:\n  listen: 127.0.0.1:9999\n  tokens: [{ token: \"0123456789abcdef\", scope: read }]\n")
        let plan = new.reloadPlan(from: old, running: [])
        #expect(plan.diff.needsRestart == ["api"])
        #expect(plan.diff.settingsChanged)
    }
}
