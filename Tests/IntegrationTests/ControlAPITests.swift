import Foundation
import Testing
import TestSupport

/// The control API over real HTTP against a running `relaygate run`: a real nginx-rtmp,
/// an ffmpeg publisher as the seller, relays started, listed, limited and stopped through
/// the API. Every response is checked against the served OpenAPI document.
@Suite(.serialized)
struct ControlAPITests {
    static let adminToken = GatewayHarness.adminToken
    static let readToken = GatewayHarness.readToken

    /// Two routes serve `seller_*` channels, pulling the one publisher through passthrough:
    /// `cams` (first, so the default) and `alt` (at most one relay). At most three relays.
    /// `camsReadTimeout` changes what `cams` relays run, so a reload restarts them.
    static func routes(_ nginx: Nginx, withAlt: Bool = true, camsReadTimeout: String = "10s") -> String {
        var text = """
            routes:
              cams:
                match: "seller_{sellerId}"
                source: { type: pull, url: "\(nginx.publishURL("src", "cam"))", read_timeout: \(camsReadTimeout) }
                profile: passthrough
                outputs: [nginx]

            """
        if withAlt {
            text += """
                  alt:
                    match: "seller_{sellerId}"
                    max_relays: 1
                    source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
                    profile: passthrough
                    outputs: [nginx]

                """
        }
        return text
    }

    /// The gateway runs with a migrated PostgreSQL, as in production; one seller on `src/cam`.
    static func start() async throws -> GatewayHarness {
        let nginx = try await Nginx()
        return try await GatewayHarness(
            routes: routes(nginx), settings: "max_relays: 3", sellers: [.cam], database: true, api: true,
            apiSettings: "max_body: 1k", nginx: nginx)
    }

    @Test func startStatusListLimitsReloadAndStopOverHTTP() async throws {
        let h = try await Self.start()
        defer { h.stop() }
        let postgres = try #require(h.postgres)
        #expect(try await h.api.send("GET", "/healthz", token: nil).status == 200)
        #expect(try await h.api.send("GET", "/readyz", token: nil).status == 200)
        #expect(!h.log.contains(Self.adminToken), "the token reached the log")

        // 20 identical starts at once: one relay, one worker, the same answer for all.
        let start = Data(#"{"channelId": "seller_1", "sellerUid": "uid-1"}"#.utf8)
        let replies = try await withThrowingTaskGroup(of: HTTPReply.self) { group in
            for _ in 0..<20 { group.addTask { try await h.api.send("POST", "/v1/relays", body: start) } }
            return try await group.reduce(into: [HTTPReply]()) { $0.append($1) }
        }
        #expect(replies.allSatisfy { $0.status == 200 }, "\(replies.map(\.status))")
        let ids = Set(replies.compactMap { ($0.json as? [String: Any])?["id"] as? String })
        #expect(ids == ["cams/seller_1"])
        let first = try #require(replies.first?.json as? [String: Any])
        #expect(first["playbackUrl"] as? String == h.nginx.playlistURL("seller_1"))
        #expect(first["streamKey"] as? String == "seller_1")

        // It goes active and nginx receives it.
        var relay: [String: Any] = [:]
        let active = await eventually(timeout: .seconds(20), every: .milliseconds(500)) {
            let reply = try? await h.api.send("GET", "/v1/relays/seller_1", token: Self.readToken)
            relay = reply?.json as? [String: Any] ?? [:]
            let outputs = relay["outputs"] as? [[String: Any]] ?? []
            return relay["isActive"] as? Bool == true && (outputs.first?["bytesOut"] as? Int ?? 0) > 0
                && !h.nginx.segments("seller_1").isEmpty
        }
        #expect(active, "\(relay)\nlog:\n\(h.log)")
        // Every start was answered before the relay went active: a second worker would be here.
        #expect(h.workers.count == 1, "\(h.workers)")
        let workerPID = try #require(h.workers.first?.pid)
        #expect(relay["state"] as? String == "active")
        #expect(["good", "fair"].contains(relay["health"] as? String ?? ""), "\(relay)")
        #expect((relay["fps"] as? Double ?? 0) > 0 && (relay["bitrateKbps"] as? Double ?? 0) > 0, "\(relay)")
        #expect(relay["sellerUid"] as? String == "uid-1")
        #expect(relay["streamKey"] == nil, "a read token must not see the stream key")
        let output = try #require((relay["outputs"] as? [[String: Any]])?.first)
        #expect(output["name"] as? String == "nginx" && output["state"] as? String == "active" && output["retries"] as? Int == 0)

        // Another route for a relayed channel: conflict.
        let conflict = try await h.api.send("POST", "/v1/relays", json: ["channelId": "seller_1", "sellerUid": "u", "route": "alt"])
        #expect(conflict.status == 409 && conflict.errorMessage?.contains("\"cams\"") == true, "\(conflict)")

        // Limits: alt allows one relay, the gateway three.
        #expect(try await h.api.send("POST", "/v1/relays", json: ["channelId": "seller_2", "sellerUid": "u", "route": "alt"]).status == 200)
        let routeLimit = try await h.api.send("POST", "/v1/relays", json: ["channelId": "seller_3", "sellerUid": "u", "route": "alt"])
        #expect(routeLimit.status == 429 && routeLimit.errorMessage?.contains("route \"alt\"'s max_relays is 1") == true, "\(routeLimit)")
        #expect(try await h.api.send("POST", "/v1/relays", json: ["channelId": "seller_4", "sellerUid": "u"]).status == 200)
        let globalLimit = try await h.api.send("POST", "/v1/relays", json: ["channelId": "seller_5", "sellerUid": "u"])
        // docs/api.md: a limit is retried after 10 s.
        #expect(globalLimit.status == 429 && globalLimit.headers["retry-after"] == "10", "\(globalLimit)")
        #expect(routeLimit.headers["retry-after"] == "10", "\(routeLimit)")
        #expect(globalLimit.errorMessage?.contains("max_relays is 3") == true, "\(globalLimit)")

        // List, and filter by state.
        let list = try await h.api.send("GET", "/v1/relays", token: Self.readToken)
        let channels = ((list.json as? [String: Any])?["relays"] as? [[String: Any]] ?? []).compactMap { $0["channelId"] as? String }
        // docs/api.md: sorted by route, then channel.
        #expect(channels == ["seller_2", "seller_1", "seller_4"], "\(channels)")
        let failed = try await h.api.send("GET", "/v1/relays?state=failed")
        #expect(((failed.json as? [String: Any])?["relays"] as? [Any])?.isEmpty == true, "\(failed)")
        #expect(try await h.api.send("GET", "/v1/relays?state=asleep").errorField == "state")

        // Metrics: strict Prometheus text that shows the relay.
        let metrics = try await h.api.send("GET", "/metrics", token: Self.readToken)
        #expect(metrics.status == 200)
        let parsed = try PrometheusText(metrics.text)
        let bitrate = parsed.values("relaygate_relay_bitrate_kbps").first { $0.labels["channel"] == "seller_1" }
        #expect((bitrate?.value ?? 0) > 0, "\(metrics.text)")
        #expect(parsed.values("relaygate_worker_rss_bytes").contains { $0.labels["channel"] == "seller_1" && $0.value > 0 })
        #expect(parsed.values("relaygate_worker_cpu_seconds").contains { $0.labels["channel"] == "seller_1" })
        #expect(parsed.values("relaygate_relays").contains { $0.labels["state"] == "active" && $0.value >= 1 })
        #expect(parsed.types["relaygate_relay_starts_total"] == "counter")

        // `relaygate status` prints the table.
        let status = try runProgram(
            RelaygateBinary.path, ["status", "--api", h.api.baseURL, "--token", Self.readToken])
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("CHANNEL") == true && lines.count == 4, "\(status.stdout)")
        #expect(lines.dropFirst().map { String($0.prefix { $0 != " " }) } == channels, "\(status.stdout)")
        #expect(lines.contains { $0.hasPrefix("seller_1") && $0.contains("cams") && $0.contains("nginx:active") }, "\(status.stdout)")

        // Reload with the same config: the API-started relay keeps its worker. Then a reload
        // that changes route cams and removes route alt: cams' relays restart, alt's stops.
        h.child.signal(SIGHUP)
        let reloaded = await eventually(timeout: .seconds(30)) { h.log.contains("configuration reloaded") }
        #expect(reloaded && h.log.contains("relays 3 unchanged, 0 restarted, 0 stopped, 0 started"), "\(h.log)")
        #expect(h.workers.contains { $0.pid == workerPID }, "seller_1's worker was replaced")
        try h.writeRoutes(Self.routes(h.nginx, withAlt: false, camsReadTimeout: "9s"))
        h.child.signal(SIGHUP)
        let altGone = await eventually(timeout: .seconds(30), every: .milliseconds(300)) {
            (try? await h.api.send("GET", "/v1/relays/seller_2"))?.status == 404
        }
        #expect(altGone, "\(h.log)")
        let restarted = await eventually(timeout: .seconds(20), every: .milliseconds(500)) {
            let reply = try? await h.api.send("GET", "/v1/relays/seller_1")
            return (reply?.json as? [String: Any])?["isActive"] as? Bool == true && !isAlive(workerPID)
        }
        #expect(restarted, "\(h.log)")
        let newPID = try #require(h.workers.first { $0.cmdline.contains("cams/seller_1") }?.pid)
        let afterReload = try await h.api.metrics()
        #expect(!afterReload.samples.contains { $0.labels["channel"] == "seller_2" }, "a stopped relay is still in /metrics")
        #expect(afterReload.values("relaygate_reloads_total").first { $0.labels["result"] == "ok" }?.value == 2)

        // Stop is idempotent; the relay ends cleanly at nginx.
        #expect(try await h.api.send("DELETE", "/v1/relays/seller_1").status == 204)
        #expect(try await h.api.send("DELETE", "/v1/relays/seller_1").status == 204)
        let gone = await eventually(timeout: .seconds(30), every: .milliseconds(300)) {
            (try? await h.api.send("GET", "/v1/relays/seller_1"))?.status == 404
        }
        #expect(gone)
        #expect(!isAlive(newPID))
        // PostgreSQL kept the relay's life: started, every transition, the stop with its reason.
        let events = await eventually(timeout: .seconds(30)) {
            let kinds = (try? postgres.psql(
                "SELECT string_agg(event, ',' ORDER BY id) FROM relay_events WHERE channel = 'seller_1'")) ?? ""
            return kinds.hasPrefix("transition") && kinds.contains("started") && kinds.hasSuffix("stopped")
        }
        #expect(events, "relay_events: \((try? postgres.psql("SELECT event, to_state, reason FROM relay_events")) ?? "")")

        h.child.signal(SIGTERM)
        #expect(await h.child.wait(timeout: .seconds(20)) == 0)
        for channel in ["seller_1", "seller_2", "seller_4"] {
            #expect(h.nginx.publishSessions(channel).allSatisfy { $0.clean }, "\(channel) did not end cleanly")
        }
        #expect(!h.log.contains(Self.adminToken), "the token reached the log")
    }

    @Test func refusalsAreJSONErrorsNamingTheProblem() async throws {
        let h = try await Self.start()
        defer { h.stop() }
        let post = "/v1/relays"
        // Authentication and scopes.
        let missing = try await h.api.send("GET", post, token: nil)
        #expect(missing.status == 401 && missing.headers["www-authenticate"] == "Bearer")
        #expect(try await h.api.send("GET", post, token: "wrong-token-wrong-token").status == 401)
        #expect(try await h.api.send("GET", "/metrics", token: nil).status == 401)
        let readOnly = try await h.api.send("POST", post, token: Self.readToken, json: ["channelId": "seller_1", "sellerUid": "u"])
        #expect(readOnly.status == 403)
        #expect(try await h.api.send("DELETE", "/v1/relays/seller_1", token: Self.readToken).status == 403)

        // Bodies.
        let malformed = try await h.api.send("POST", post, body: Data("{\"channelId\": ".utf8))
        #expect(malformed.status == 400 && malformed.errorMessage?.contains("not valid JSON") == true, "\(malformed)")
        let notObject = try await h.api.send("POST", post, body: Data("[1, 2]".utf8))
        #expect(notObject.status == 400 && notObject.errorMessage?.contains("JSON object") == true)
        let wrongType = try await h.api.send("POST", post, json: ["channelId": 42, "sellerUid": "u"])
        #expect(wrongType.status == 400 && wrongType.errorField == "channelId", "\(wrongType)")
        let wrongSeller = try await h.api.send("POST", post, json: ["channelId": "seller_1", "sellerUid": true])
        #expect(wrongSeller.status == 400 && wrongSeller.errorField == "sellerUid", "\(wrongSeller)")
        let missingField = try await h.api.send("POST", post, json: ["channelId": "seller_1"])
        #expect(missingField.status == 400 && missingField.errorField == "sellerUid", "\(missingField)")
        let unknownField = try await h.api.send("POST", post, json: ["channelId": "seller_1", "sellerUid": "u", "colour": "red"])
        #expect(unknownField.status == 400 && unknownField.errorField == "colour", "\(unknownField)")
        let badName = try await h.api.send("POST", post, json: ["channelId": "../etc", "sellerUid": "u"])
        #expect(badName.status == 400 && badName.errorField == "channelId", "\(badName)")
        let unknownRoute = try await h.api.send("POST", post, json: ["channelId": "seller_1", "sellerUid": "u", "route": "nope"])
        #expect(unknownRoute.status == 400 && unknownRoute.errorField == "route", "\(unknownRoute)")
        let unserved = try await h.api.send("POST", post, json: ["channelId": "buyer_1", "sellerUid": "u"])
        #expect(unserved.status == 400 && unserved.errorField == "channelId", "\(unserved)")
        let oversized = try await h.api.send(
            "POST", post, json: ["channelId": "seller_1", "sellerUid": String(repeating: "x", count: 4096)])
        #expect(oversized.status == 413 && oversized.errorMessage?.contains("1024 bytes") == true, "\(oversized)")
        let form = try await h.api.send("POST", post, body: Data("channelId=seller_1".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415, "\(form)")
        let noType = try await h.api.send("POST", post, body: Data("{}".utf8), contentType: nil)
        #expect(noType.status == 415, "\(noType)")

        // Lookups.
        let unknown = try await h.api.send("GET", "/v1/relays/seller_404")
        #expect(unknown.status == 404 && unknown.errorMessage?.contains("seller_404") == true)
        #expect(try await h.api.send("DELETE", "/v1/relays/seller_404").status == 204)
        let noRoute = try await h.api.send("GET", "/v1/nothing", undocumented: true)
        #expect(noRoute.status == 404 && noRoute.errorMessage != nil)
        #expect(h.workers.isEmpty)
        #expect(!h.log.contains(Self.adminToken) && !h.log.contains(Self.readToken))
    }
}
