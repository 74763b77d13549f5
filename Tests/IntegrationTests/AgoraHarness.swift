import Foundation
import Testing
import TestSupport

/// The whole Agora path on one machine: Agora's cloud faked (`FakeAgora`: Media Push REST
/// with its documented validation, converters that really push with ffmpeg, signed NCS
/// webhooks), and everything else real — `relaygate run` with its RTMP ingest, control API
/// and webhook receiver, nginx-rtmp making HLS, and a migrated PostgreSQL.
///
/// Route `sellers` matches `seller_{channelId}` with source `agora` (passthrough, so
/// converters push raw) and a short reconnect window.
struct AgoraHarness {
    static let adminToken = "admin-\(UUID().uuidString)"

    let agora: FakeAgora
    let nginx: Nginx
    let postgres: Postgres?
    let gateway: Gateway
    let api: HTTPClient
    let apiPort: Int
    let ingestPort: Int
    let routes: String
    let settings: String
    /// What the gateway sends as `agora.customer_secret` (the fake's own unless a test wants
    /// Agora to refuse it).
    let customerSecret: String

    /// `source` is more keys of the agora source; `agoraSettings` more keys of `agora:`.
    init(
        database: Bool = true, source: String = "idle_timeout: 10s", agoraSettings: String = "",
        reconnectWindow: String = "4s", customerSecret: String = FakeAgora.Credentials.test.customerSecret
    ) async throws {
        self.customerSecret = customerSecret
        agora = try await FakeAgora.start(webhookURL: nil)
        nginx = try await Nginx()
        postgres = database ? try await Postgres.migrated() : nil
        apiPort = FreePort.next()
        ingestPort = FreePort.next()
        let credentials = FakeAgora.Credentials.test
        var text = """
            stats_interval: 2s
            restart_delay: 500ms
            api:
              listen: 127.0.0.1:\(apiPort)
              tokens: [{ token: "${RELAYGATE_ADMIN_TOKEN}", scope: admin }]
            ingest:
              listen: 127.0.0.1:\(ingestPort)
            agora:
              app_id: "\(credentials.appID)"
              customer_id: "${AGORA_CUSTOMER_ID}"
              customer_secret: "${AGORA_CUSTOMER_SECRET}"
              ncs_secret: "${AGORA_NCS_SECRET}"
              region: na
              api_url: "\(agora.baseURL)"
              rest_retries: 2
              rest_backoff: 300ms
              poll_interval: 1s
              viewers_interval: 1s
            \(agoraSettings.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n"))

            """
        if let postgres {
            text += "database:\n  url: \"\(postgres.url)\"\n  metrics_interval: 1s\n"
        }
        settings = text
        routes = """
            routes:
              sellers:
                match: "seller_{channelId}"
                source: { type: agora, \(source) }
                profile: passthrough
                outputs: [nginx]
                reconnect_window: \(reconnectWindow)

            """
        gateway = try Self.gateway(nginx: nginx, routes: routes, settings: settings, customerSecret: customerSecret)
        api = HTTPClient(baseURL: "http://127.0.0.1:\(apiPort)")
        agora.setWebhookURL("http://127.0.0.1:\(apiPort)/v1/webhooks/agora")
        let port = apiPort
        let listening = await eventually(timeout: .seconds(15)) {
            guard FreePort.isListening(port) else { return false }
            return (try? await HTTPClient(baseURL: "http://127.0.0.1:\(port)").send("GET", "/readyz"))?.status == 200
        }
        guard listening else { throw TestFailure("gateway not ready; log:\n\(gateway.log)") }
    }

    static func gateway(
        nginx: Nginx, routes: String, settings: String,
        customerSecret: String = FakeAgora.Credentials.test.customerSecret
    ) throws -> Gateway {
        let credentials = FakeAgora.Credentials.test
        return try Gateway(
            nginx: nginx, routes: routes, settings: settings,
            environment: [
                "RELAYGATE_ADMIN_TOKEN": adminToken, "AGORA_CUSTOMER_ID": credentials.customerID,
                "AGORA_CUSTOMER_SECRET": customerSecret, "AGORA_NCS_SECRET": credentials.ncsSecret,
            ])
    }

    /// Another gateway on the same config (after this one was killed).
    func startAnotherGateway() throws -> Gateway {
        try Self.gateway(nginx: nginx, routes: routes, settings: settings, customerSecret: customerSecret)
    }

    /// Stops what must not outlive the test at once (a `defer` cannot wait); PostgreSQL and
    /// the fake's ffmpeg children go when the harness is released.
    func stopNow() {
        gateway.child.signal(SIGKILL)
        nginx.stop()
    }

    /// Nil when the API says the channel has no relay.
    func relay(_ channel: String) async throws -> [String: Any]? {
        let reply = try await api.send("GET", "/v1/relays/\(channel)", token: Self.adminToken)
        if reply.status == 404 { return nil }
        guard reply.status == 200, let relay = reply.json as? [String: Any] else { throw TestFailure("GET \(channel): \(reply)") }
        return relay
    }

    /// True once the API answers 404 for the channel.
    func hasNoRelay(_ channel: String) async -> Bool {
        (try? await api.send("GET", "/v1/relays/\(channel)", token: Self.adminToken))?.status == 404
    }

    func upstream(_ channel: String) async -> [String: Any]? {
        (try? await relay(channel))??["upstream"] as? [String: Any]
    }

    /// The converter Creates the gateway sent.
    var creates: [FakeAgora.Call] {
        agora.calls().filter { $0.method == "POST" && $0.path.hasSuffix("/rtmp-converters") }
    }

    var deletes: [FakeAgora.Call] { agora.calls().filter { $0.method == "DELETE" } }

    /// `relay_status|stream_mode|hls_playback_url` of channel row `id`.
    func channelRow(_ id: Int) throws -> String {
        guard let postgres else { throw TestFailure("no database") }
        return try postgres.psql(
            "SELECT relay_status || '|' || stream_mode || '|' || coalesce(hls_playback_url, 'NULL') FROM channels WHERE id = \(id)")
    }

    /// The reasons of channel `id`'s relay_events of kind `event`, oldest first.
    func events(_ id: Int, kind: String) throws -> [String] {
        guard let postgres else { throw TestFailure("no database") }
        let text = try postgres.psql(
            "SELECT coalesce(reason, '') FROM relay_events WHERE channel_id = \(id) AND event = '\(kind)' ORDER BY id")
        return text.split(separator: "\n").map(String.init)
    }

    /// True once nginx has written `count` more HLS segments of `channel` than it had at the
    /// call (the stream keeps coming); false if the generous deadline passes first.
    func hlsKeepsComing(_ channel: String, count: Int = 2) async -> Bool {
        let before = nginx.segments(channel).count
        return await eventually(timeout: .seconds(30), every: .milliseconds(500)) {
            nginx.segments(channel).count >= before + count
        }
    }

    /// What the relay's ingest endpoint says: `waiting` or `publishing` (nil without a relay).
    func ingestState(_ channel: String) async -> String? {
        ((try? await relay(channel))??["ingest"] as? [String: Any])?["state"] as? String
    }

    /// HLS that plays: recent finished segments hold H.264 and AAC.
    func expectPlayableHLS(_ channel: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let flowing = await eventually(timeout: .seconds(30), every: .seconds(1)) { nginx.segments(channel).count >= 3 }
        #expect(flowing, "no HLS for \(channel); log:\n\(gateway.log.suffix(3000))", sourceLocation: sourceLocation)
        guard flowing else { return }
        let segments = nginx.segments(channel).dropLast().suffix(2).map { "\(nginx.prefix.path)/hls/\($0)" }
        let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
        #expect(streams.contains { $0.codecType == "video" && $0.codecName == "h264" }, "\(streams)", sourceLocation: sourceLocation)
        #expect(streams.contains { $0.codecType == "audio" && $0.codecName == "aac" }, "\(streams)", sourceLocation: sourceLocation)
    }
}
