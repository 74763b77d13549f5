import Foundation
import Testing
import TestSupport

/// The control API over real HTTP against a running `relaygate run`: a real nginx-rtmp,
/// an ffmpeg publisher as the seller, relays started, listed, limited and stopped through
/// the API. Every response is checked against the served OpenAPI document.
@Suite(.serialized)
struct ControlAPITests {
    static let adminToken = "admin-\(UUID().uuidString)"
    static let readToken = "read-\(UUID().uuidString)"

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

    struct Harness: Sendable {
        let postgres: Postgres
        let nginx: Nginx
        let publisher: ChildProcess
        let gateway: Gateway
        let http: HTTPClient
        let openAPI: OpenAPIValidator

        /// Sends, then checks the reply against the document (`template`: the documented path).
        func call(
            _ method: String, _ path: String, template: String? = nil, token: String? = ControlAPITests.adminToken,
            json: [String: Any]? = nil, body: Data? = nil, contentType: String? = "application/json",
            sourceLocation: SourceLocation = #_sourceLocation
        ) async throws -> HTTPReply {
            let reply: HTTPReply
            if let json {
                reply = try await http.send(method, path, token: token, json: json)
            } else {
                reply = try await http.send(method, path, token: token, body: body, contentType: contentType)
            }
            let problems = openAPI.problems(method, template ?? path.split(separator: "?").first.map(String.init)!, reply)
            #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
            #expect(reply.status < 500 || reply.status == 503, "\(method) \(path): \(reply)", sourceLocation: sourceLocation)
            return reply
        }
    }

    /// The gateway runs with a migrated PostgreSQL, as in production.
    static func start() async throws -> Harness {
        let postgres = try await Postgres.migrated()
        let nginx = try await Nginx()
        let port = FreePort.next()
        let scratch = try TempDirectory("publisher")
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "cam"), width: 320, height: 240, fps: 25, logDirectory: scratch.path, name: "cam")
        let settings = """
            stats_interval: 2s
            restart_delay: 500ms
            max_relays: 3
            database:
              url: "\(postgres.url)"
              metrics_interval: 1s
            api:
              listen: 127.0.0.1:\(port)
              max_body: 1k
              tokens:
                - { token: "${RELAYGATE_ADMIN_TOKEN}", scope: admin }
                - { token: "\(readToken)", scope: read }

            """
        let gateway = try Gateway(
            nginx: nginx, routes: routes(nginx), settings: settings, environment: ["RELAYGATE_ADMIN_TOKEN": adminToken])
        let http = HTTPClient(baseURL: "http://127.0.0.1:\(port)")
        let listening = await eventually(timeout: .seconds(10)) { FreePort.isListening(port) }
        guard listening else { throw TestFailure("API not listening; log:\n\(gateway.log)") }
        let document = try await http.send("GET", "/openapi.json")
        let openAPI = try OpenAPIValidator(json: document.body)
        #expect(openAPI.problems("GET", "/openapi.json", document).isEmpty)
        return Harness(postgres: postgres, nginx: nginx, publisher: publisher, gateway: gateway, http: http, openAPI: openAPI)
    }

    @Test func startStatusListLimitsReloadAndStopOverHTTP() async throws {
        let h = try await Self.start()
        defer {
            h.gateway.child.signal(SIGKILL)
            h.publisher.signal(SIGKILL)
        }
        #expect(try await h.call("GET", "/healthz", token: nil).status == 200)
        #expect(try await h.call("GET", "/readyz", token: nil).status == 200)
        #expect(!h.gateway.log.contains(Self.adminToken), "the token reached the log")

        // 20 identical starts at once: one relay, one worker, the same answer for all.
        let start = Data(#"{"channelId": "seller_1", "sellerUid": "uid-1"}"#.utf8)
        let replies = try await withThrowingTaskGroup(of: HTTPReply.self) { group in
            for _ in 0..<20 { group.addTask { try await h.call("POST", "/v1/relays", body: start) } }
            return try await group.reduce(into: [HTTPReply]()) { $0.append($1) }
        }
        #expect(replies.allSatisfy { $0.status == 200 }, "\(replies.map(\.status))")
        let ids = Set(replies.compactMap { ($0.json as? [String: Any])?["id"] as? String })
        #expect(ids == ["cams/seller_1"])
        let first = try #require(replies.first?.json as? [String: Any])
        #expect(first["playbackUrl"] as? String == h.nginx.playlistURL("seller_1"))
        #expect(first["streamKey"] as? String == "seller_1")
        try await Task.sleep(for: .seconds(1))
        #expect(h.gateway.workers.count == 1, "\(h.gateway.workers)")
        let workerPID = try #require(h.gateway.workers.first?.pid)

        // It goes active and nginx receives it.
        var relay: [String: Any] = [:]
        let active = await eventually(timeout: .seconds(20), every: .milliseconds(500)) {
            let reply = try? await h.call("GET", "/v1/relays/seller_1", template: "/v1/relays/{channelId}", token: Self.readToken)
            relay = reply?.json as? [String: Any] ?? [:]
            let outputs = relay["outputs"] as? [[String: Any]] ?? []
            return relay["isActive"] as? Bool == true && (outputs.first?["bytesOut"] as? Int ?? 0) > 0
                && !h.nginx.segments("seller_1").isEmpty
        }
        #expect(active, "\(relay)\nlog:\n\(h.gateway.log)")
        #expect(relay["state"] as? String == "active")
        #expect(["good", "fair"].contains(relay["health"] as? String ?? ""), "\(relay)")
        #expect((relay["fps"] as? Double ?? 0) > 0 && (relay["bitrateKbps"] as? Double ?? 0) > 0, "\(relay)")
        #expect(relay["sellerUid"] as? String == "uid-1")
        #expect(relay["streamKey"] == nil, "a read token must not see the stream key")
        let output = try #require((relay["outputs"] as? [[String: Any]])?.first)
        #expect(output["name"] as? String == "nginx" && output["state"] as? String == "active" && output["retries"] as? Int == 0)

        // Another route for a relayed channel: conflict.
        let conflict = try await h.call("POST", "/v1/relays", json: ["channelId": "seller_1", "sellerUid": "u", "route": "alt"])
        #expect(conflict.status == 409 && conflict.errorMessage?.contains("\"cams\"") == true, "\(conflict)")

        // Limits: alt allows one relay, the gateway three.
        #expect(try await h.call("POST", "/v1/relays", json: ["channelId": "seller_2", "sellerUid": "u", "route": "alt"]).status == 200)
        let routeLimit = try await h.call("POST", "/v1/relays", json: ["channelId": "seller_3", "sellerUid": "u", "route": "alt"])
        #expect(routeLimit.status == 429 && routeLimit.errorMessage?.contains("route \"alt\"'s max_relays is 1") == true, "\(routeLimit)")
        #expect(try await h.call("POST", "/v1/relays", json: ["channelId": "seller_4", "sellerUid": "u"]).status == 200)
        let globalLimit = try await h.call("POST", "/v1/relays", json: ["channelId": "seller_5", "sellerUid": "u"])
        #expect(globalLimit.status == 429 && globalLimit.headers["retry-after"] != nil, "\(globalLimit)")
        #expect(globalLimit.errorMessage?.contains("max_relays is 3") == true, "\(globalLimit)")

        // List, and filter by state.
        let list = try await h.call("GET", "/v1/relays", token: Self.readToken)
        let channels = ((list.json as? [String: Any])?["relays"] as? [[String: Any]] ?? []).compactMap { $0["channelId"] as? String }
        #expect(channels.sorted() == ["seller_1", "seller_2", "seller_4"])
        let failed = try await h.call("GET", "/v1/relays?state=failed")
        #expect(((failed.json as? [String: Any])?["relays"] as? [Any])?.isEmpty == true, "\(failed)")
        #expect(try await h.call("GET", "/v1/relays?state=asleep").errorField == "state")

        // Metrics: strict Prometheus text that shows the relay.
        let metrics = try await h.call("GET", "/metrics", token: Self.readToken)
        let parsed = try PrometheusText(metrics.text)
        let bitrate = parsed.values("relaygate_relay_bitrate_kbps").first { $0.labels["channel"] == "seller_1" }
        #expect((bitrate?.value ?? 0) > 0, "\(metrics.text)")
        #expect(parsed.values("relaygate_worker_rss_bytes").contains { $0.labels["channel"] == "seller_1" && $0.value > 0 })
        #expect(parsed.values("relaygate_worker_cpu_seconds").contains { $0.labels["channel"] == "seller_1" })
        #expect(parsed.values("relaygate_relays").contains { $0.labels["state"] == "active" && $0.value >= 1 })
        #expect(parsed.types["relaygate_relay_starts_total"] == "counter")

        // `relaygate status` prints the table.
        let status = try runProgram(
            RelaygateBinary.path, ["status", "--api", h.http.baseURL, "--token", Self.readToken])
        #expect(status.status == 0, "\(status.stderr)")
        let lines = status.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("CHANNEL") == true && lines.count == 4, "\(status.stdout)")
        #expect(lines.contains { $0.hasPrefix("seller_1") && $0.contains("cams") && $0.contains("nginx:active") }, "\(status.stdout)")

        // Reload with the same config: the API-started relay keeps its worker. Then a reload
        // that changes route cams and removes route alt: cams' relays restart, alt's stops.
        h.gateway.child.signal(SIGHUP)
        #expect(await eventually(timeout: .seconds(10)) { h.gateway.log.contains("configuration reloaded") })
        try await Task.sleep(for: .seconds(1))
        #expect(h.gateway.workers.contains { $0.pid == workerPID }, "seller_1's worker was replaced")
        try h.gateway.config.write("conf.d/30-routes.yaml", Self.routes(h.nginx, withAlt: false, camsReadTimeout: "9s"))
        h.gateway.child.signal(SIGHUP)
        let altGone = await eventually(timeout: .seconds(15), every: .milliseconds(300)) {
            (try? await h.call("GET", "/v1/relays/seller_2", template: "/v1/relays/{channelId}"))?.status == 404
        }
        #expect(altGone, "\(h.gateway.log)")
        let restarted = await eventually(timeout: .seconds(20), every: .milliseconds(500)) {
            let reply = try? await h.call("GET", "/v1/relays/seller_1", template: "/v1/relays/{channelId}")
            return (reply?.json as? [String: Any])?["isActive"] as? Bool == true && !isAlive(workerPID)
        }
        #expect(restarted, "\(h.gateway.log)")
        let newPID = try #require(h.gateway.workers.first { $0.cmdline.contains("cams/seller_1") }?.pid)
        let reloaded = try PrometheusText(try await h.call("GET", "/metrics").text)
        #expect(!reloaded.samples.contains { $0.labels["channel"] == "seller_2" }, "a stopped relay is still in /metrics")
        #expect(reloaded.values("relaygate_reloads_total").first { $0.labels["result"] == "ok" }?.value == 2)

        // Stop is idempotent; the relay ends cleanly at nginx.
        #expect(try await h.call("DELETE", "/v1/relays/seller_1", template: "/v1/relays/{channelId}").status == 204)
        #expect(try await h.call("DELETE", "/v1/relays/seller_1", template: "/v1/relays/{channelId}").status == 204)
        let gone = await eventually(timeout: .seconds(15), every: .milliseconds(300)) {
            (try? await h.call("GET", "/v1/relays/seller_1", template: "/v1/relays/{channelId}"))?.status == 404
        }
        #expect(gone)
        #expect(!isAlive(newPID))
        // PostgreSQL kept the relay's life: started, every transition, the stop with its reason.
        let events = await eventually(timeout: .seconds(10)) {
            let kinds = (try? h.postgres.psql(
                "SELECT string_agg(event, ',' ORDER BY id) FROM relay_events WHERE channel = 'seller_1'")) ?? ""
            return kinds.hasPrefix("transition") && kinds.contains("started") && kinds.hasSuffix("stopped")
        }
        #expect(events, "relay_events: \((try? h.postgres.psql("SELECT event, to_state, reason FROM relay_events")) ?? "")")

        h.gateway.child.signal(SIGTERM)
        #expect(await h.gateway.child.wait(timeout: .seconds(20)) == 0)
        for channel in ["seller_1", "seller_2", "seller_4"] {
            #expect(h.nginx.publishSessions(channel).allSatisfy { $0.clean }, "\(channel) did not end cleanly")
        }
        #expect(!h.gateway.log.contains(Self.adminToken), "the token reached the log")
    }

    @Test func refusalsAreJSONErrorsNamingTheProblem() async throws {
        let h = try await Self.start()
        defer {
            h.gateway.child.signal(SIGKILL)
            h.publisher.signal(SIGKILL)
        }
        let post = "/v1/relays"
        // Authentication and scopes.
        let missing = try await h.call("GET", post, token: nil)
        #expect(missing.status == 401 && missing.headers["www-authenticate"] == "Bearer")
        #expect(try await h.call("GET", post, token: "wrong-token-wrong-token").status == 401)
        #expect(try await h.call("GET", "/metrics", token: nil).status == 401)
        let readOnly = try await h.call("POST", post, token: Self.readToken, json: ["channelId": "seller_1", "sellerUid": "u"])
        #expect(readOnly.status == 403)
        #expect(try await h.call("DELETE", "/v1/relays/seller_1", template: "/v1/relays/{channelId}", token: Self.readToken).status == 403)

        // Bodies.
        let malformed = try await h.call("POST", post, body: Data("{\"channelId\": ".utf8))
        #expect(malformed.status == 400 && malformed.errorMessage?.contains("not valid JSON") == true, "\(malformed)")
        let notObject = try await h.call("POST", post, body: Data("[1, 2]".utf8))
        #expect(notObject.status == 400 && notObject.errorMessage?.contains("JSON object") == true)
        let wrongType = try await h.call("POST", post, json: ["channelId": 42, "sellerUid": "u"])
        #expect(wrongType.status == 400 && wrongType.errorField == "channelId", "\(wrongType)")
        let wrongSeller = try await h.call("POST", post, json: ["channelId": "seller_1", "sellerUid": true])
        #expect(wrongSeller.status == 400 && wrongSeller.errorField == "sellerUid", "\(wrongSeller)")
        let missingField = try await h.call("POST", post, json: ["channelId": "seller_1"])
        #expect(missingField.status == 400 && missingField.errorField == "sellerUid", "\(missingField)")
        let unknownField = try await h.call("POST", post, json: ["channelId": "seller_1", "sellerUid": "u", "colour": "red"])
        #expect(unknownField.status == 400 && unknownField.errorField == "colour", "\(unknownField)")
        let badName = try await h.call("POST", post, json: ["channelId": "../etc", "sellerUid": "u"])
        #expect(badName.status == 400 && badName.errorField == "channelId", "\(badName)")
        let unknownRoute = try await h.call("POST", post, json: ["channelId": "seller_1", "sellerUid": "u", "route": "nope"])
        #expect(unknownRoute.status == 400 && unknownRoute.errorField == "route", "\(unknownRoute)")
        let unserved = try await h.call("POST", post, json: ["channelId": "buyer_1", "sellerUid": "u"])
        #expect(unserved.status == 400 && unserved.errorField == "channelId", "\(unserved)")
        let oversized = try await h.call(
            "POST", post, json: ["channelId": "seller_1", "sellerUid": String(repeating: "x", count: 4096)])
        #expect(oversized.status == 413 && oversized.errorMessage?.contains("1024 bytes") == true, "\(oversized)")
        let form = try await h.call("POST", post, body: Data("channelId=seller_1".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 415, "\(form)")
        let noType = try await h.call("POST", post, body: Data("{}".utf8), contentType: nil)
        #expect(noType.status == 415, "\(noType)")

        // Lookups.
        let unknown = try await h.call("GET", "/v1/relays/seller_404", template: "/v1/relays/{channelId}")
        #expect(unknown.status == 404 && unknown.errorMessage?.contains("seller_404") == true)
        #expect(try await h.call("DELETE", "/v1/relays/seller_404", template: "/v1/relays/{channelId}").status == 204)
        let noRoute = try await h.http.send("GET", "/v1/nothing", token: Self.adminToken)
        #expect(noRoute.status == 404 && noRoute.errorMessage != nil)
        #expect(h.gateway.workers.isEmpty)
        #expect(!h.gateway.log.contains(Self.adminToken) && !h.gateway.log.contains(Self.readToken))
    }
}
