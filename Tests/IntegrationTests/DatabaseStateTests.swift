import Foundation
import Testing
import TestSupport

/// The gateway with a real PostgreSQL: the backend's rows follow a relay through start,
/// periodic metrics and stop, and a database outage loses neither the stream nor a row.
@Suite(.serialized)
struct DatabaseStateTests {
    /// A migrated database, a seller publishing to nginx's `src/cam42`, and a gateway
    /// relaying the static channel `seller_42` (route pattern `seller_{channelId}` → row 42).
    /// With `apiPort`, the route has no static channel and the control API listens there.
    static func setUp(apiPort: Int? = nil) async throws -> (Postgres, Nginx, ChildProcess, Gateway, TempDirectory) {
        let postgres = try await Postgres.migrated()
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "cam42"), width: 320, height: 240, fps: 25, logDirectory: logs.path,
            name: "pub")
        try await Task.sleep(for: .seconds(1))
        let routes = """
            routes:
              sellers:
                match: "seller_{channelId}"
            \(apiPort == nil ? "    channel: seller_42" : "")
                source: { type: pull, url: "\(nginx.publishURL("src", "cam{channelId}"))" }
                outputs: [nginx]
            """
        let settings = """
            stats_interval: 2s
            restart_delay: 500ms
            database:
              url: "\(postgres.url)"
              metrics_interval: 1s

            """
        let api = apiPort.map {
            "api:\n  listen: 127.0.0.1:\($0)\n  tokens: [{ token: \"${RELAYGATE_ADMIN_TOKEN}\", scope: admin }]\n"
        }
        let gateway = try Gateway(
            nginx: nginx, routes: routes, settings: settings + (api ?? ""),
            environment: ["RELAYGATE_ADMIN_TOKEN": adminToken])
        return (postgres, nginx, publisher, gateway, logs)
    }

    static let adminToken = "admin-\(UUID().uuidString)"

    static func channelRow(_ postgres: Postgres, id: Int = 42) throws -> String {
        try postgres.psql(
            "SELECT relay_status || '|' || coalesce(hls_playback_url, 'NULL') || '|' || stream_mode || '|' "
                + "|| (relay_started_at IS NOT NULL) FROM channels WHERE id = \(id)")
    }

    static func metricsCount(_ postgres: Postgres) throws -> Int {
        Int(try postgres.psql("SELECT count(*) FROM stream_metrics WHERE channel_id = 42")) ?? -1
    }

    @Test func rowsFollowTheRelayThroughStartMetricsAndStop() async throws {
        let (postgres, nginx, publisher, gateway, _) = try await Self.setUp()
        defer {
            publisher.signal(SIGKILL)
            gateway.child.signal(SIGKILL)
        }
        let playback = nginx.playlistURL("seller_42")
        let active = await eventually(timeout: .seconds(20)) {
            (try? Self.channelRow(postgres)) == "active|\(playback)|hybrid|true"
        }
        #expect(active, "channels row: \((try? Self.channelRow(postgres)) ?? "none"); log:\n\(gateway.log)")

        let sampled = await eventually(timeout: .seconds(10)) { (try? Self.metricsCount(postgres)) ?? 0 >= 4 }
        #expect(sampled, "stream_metrics rows: \((try? Self.metricsCount(postgres)) ?? -1)")
        let sample = try postgres.psql(
            "SELECT bitrate_kbps > 0, relay_health FROM stream_metrics WHERE channel_id = 42 ORDER BY timestamp DESC LIMIT 1")
        #expect(sample == "t|good" || sample == "t|fair", "latest sample: \(sample)")
        // Each output's status: what an operator checks when one platform misbehaves.
        let output = try postgres.psql(
            "SELECT state || '|' || retries || '|' || (bytes_out > 0) || '|' || (connected_since IS NOT NULL) "
                + "FROM relay_outputs WHERE channel = 'seller_42' AND output = 'nginx'")
        #expect(output == "active|0|true|true", "relay_outputs: \(output)")
        let transitions = try postgres.psql(
            "SELECT string_agg(coalesce(from_state, '-') || '>' || to_state, ',' ORDER BY id) FROM relay_events "
                + "WHERE channel = 'seller_42' AND event = 'transition'")
        #expect(transitions.contains(">active"), "relay_events transitions: \(transitions)")

        gateway.child.signal(SIGTERM)
        #expect(await gateway.child.wait(timeout: .seconds(20)) == 0)
        #expect(try Self.channelRow(postgres) == "stopped|NULL|agora-only|true")
        #expect(try postgres.psql("SELECT state FROM relay_outputs WHERE channel = 'seller_42'") == "finished")
        let stopped = try postgres.psql(
            "SELECT count(*) FROM relay_events WHERE channel = 'seller_42' AND event = 'stopped'")
        #expect(stopped == "1")
    }

    @Test func aTenSecondOutageLosesNeitherStreamNorRows() async throws {
        let (postgres, nginx, publisher, gateway, _) = try await Self.setUp()
        defer {
            publisher.signal(SIGKILL)
            gateway.child.signal(SIGKILL)
        }
        let streaming = await eventually(timeout: .seconds(20)) {
            (try? Self.metricsCount(postgres)) ?? 0 >= 2 && nginx.segments("seller_42").count >= 2
        }
        #expect(streaming, "log:\n\(gateway.log)")

        await postgres.stop()
        let segmentsBefore = nginx.segments("seller_42").count
        try await Task.sleep(for: .seconds(10))
        // The relay never noticed: HLS kept coming (1 s fragments) on the same RTMP session.
        #expect(nginx.segments("seller_42").count >= segmentsBefore + 8)
        #expect(nginx.publishSessions("seller_42").count == 1)
        try await postgres.start()

        // Every sample taken during the outage arrives: one per second, no hole.
        let caughtUp = await eventually(timeout: .seconds(15)) {
            let gaps = try? postgres.psql(
                "SELECT max(gap) FROM (SELECT extract(epoch FROM timestamp - lag(timestamp) OVER (ORDER BY timestamp)) "
                    + "AS gap FROM stream_metrics WHERE channel_id = 42) g")
            let count = (try? Self.metricsCount(postgres)) ?? 0
            return count >= 14 && (gaps.flatMap(Double.init) ?? 99) < 2.5
        }
        #expect(caughtUp, "metrics rows \((try? Self.metricsCount(postgres)) ?? -1); log:\n\(gateway.log)")
        #expect(try Self.channelRow(postgres).hasPrefix("active|"))
        #expect(!gateway.log.contains("dropped"), "records were dropped:\n\(gateway.log)")
    }

    /// The backend's own flow: relay.start and relay.stop through the API, the channel's
    /// row following them.
    @Test func apiStartAndStopMoveTheChannelRow() async throws {
        let port = FreePort.next()
        let (postgres, nginx, publisher, gateway, _) = try await Self.setUp(apiPort: port)
        defer {
            publisher.signal(SIGKILL)
            gateway.child.signal(SIGKILL)
        }
        let http = HTTPClient(baseURL: "http://127.0.0.1:\(port)")
        let listening = await eventually(timeout: .seconds(10)) { FreePort.isListening(port) }
        #expect(listening, "log:\n\(gateway.log)")
        let started = try await http.send(
            "POST", "/v1/relays", token: Self.adminToken, json: ["channelId": "seller_42", "sellerUid": "uid-42"])
        #expect(started.status == 200, "\(started)")
        let playback = nginx.playlistURL("seller_42")
        let active = await eventually(timeout: .seconds(20)) {
            (try? Self.channelRow(postgres)) == "active|\(playback)|hybrid|true"
        }
        #expect(active, "channels row: \((try? Self.channelRow(postgres)) ?? "none"); log:\n\(gateway.log)")
        // /metrics shows the recorder's queue: connected, not backing up, nothing dropped (a
        // record or two may be in flight: samples arrive every second).
        let metrics = try PrometheusText(try await http.send("GET", "/metrics", token: Self.adminToken).text)
        let value = { (name: String) in metrics.samples.first { $0.name == name }?.value }
        #expect(value("relaygate_db_connected") == 1 && (value("relaygate_db_pending_records") ?? 99) < 5)
        #expect(value("relaygate_db_dropped_records_total") ?? 0 == 0)

        let stopped = try await http.send("DELETE", "/v1/relays/seller_42", token: Self.adminToken)
        #expect(stopped.status == 204, "\(stopped)")
        let recorded = await eventually(timeout: .seconds(15)) {
            (try? Self.channelRow(postgres)) == "stopped|NULL|agora-only|true"
        }
        #expect(recorded, "channels row: \((try? Self.channelRow(postgres)) ?? "none")")
        let reason = try postgres.psql(
            "SELECT reason FROM relay_events WHERE channel = 'seller_42' AND event = 'stopped'")
        #expect(!reason.isEmpty, "no stop event")
    }
}
