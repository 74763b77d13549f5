import Foundation
import Testing
import TestSupport

/// The gateway with a real PostgreSQL: the backend's rows follow a relay through start,
/// periodic metrics and stop, and a database outage loses neither the stream nor a row.
@Suite(.serialized)
struct DatabaseStateTests {
    /// A migrated database, a seller publishing to nginx's `src/cam42`, and a gateway
    /// relaying channel `seller_42` (route pattern `seller_{channelId}` → row 42): a static
    /// relay unless `static` is false (then the API starts it). With the API on request.
    static func start(static isStatic: Bool = true, api: Bool = false) async throws -> GatewayHarness {
        let nginx = try await Nginx()
        let routes = """
            routes:
              sellers:
                match: "seller_{channelId}"
            \(isStatic ? "    channel: seller_42" : "")
                source: { type: pull, url: "\(nginx.publishURL("src", "cam{channelId}"))" }
                outputs: [nginx]
            """
        return try await GatewayHarness(
            routes: routes, sellers: [.init(name: "cam42")], database: true, api: api || !isStatic, nginx: nginx)
    }

    /// A metric of the gateway with no labels; nil when it is missing.
    static func value(_ metrics: PrometheusText, _ name: String) -> Double? {
        metrics.samples.first { $0.name == name }?.value
    }

    static func channelRow(_ postgres: Postgres, id: Int = 42) throws -> String {
        try postgres.psql(
            "SELECT relay_status || '|' || coalesce(hls_playback_url, 'NULL') || '|' || stream_mode || '|' "
                + "|| (relay_started_at IS NOT NULL) FROM channels WHERE id = \(id)")
    }

    static func metricsCount(_ postgres: Postgres) throws -> Int {
        Int(try postgres.psql("SELECT count(*) FROM stream_metrics WHERE channel_id = 42")) ?? -1
    }

    @Test func rowsFollowTheRelayThroughStartMetricsAndStop() async throws {
        let h = try await Self.start()
        defer { h.stop() }
        let (postgres, nginx) = (try #require(h.postgres), h.nginx)
        let playback = nginx.playlistURL("seller_42")
        let active = await eventually(timeout: .seconds(20)) {
            (try? Self.channelRow(postgres)) == "active|\(playback)|hybrid|true"
        }
        #expect(active, "channels row: \((try? Self.channelRow(postgres)) ?? "none"); log:\n\(h.log)")

        let sampled = await eventually(timeout: .seconds(30)) { (try? Self.metricsCount(postgres)) ?? 0 >= 4 }
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

        #expect(await h.terminate() == 0)
        #expect(try Self.channelRow(postgres) == "stopped|NULL|agora-only|true")
        #expect(try postgres.psql("SELECT state FROM relay_outputs WHERE channel = 'seller_42'") == "finished")
        let stopped = try postgres.psql(
            "SELECT count(*) FROM relay_events WHERE channel = 'seller_42' AND event = 'stopped'")
        #expect(stopped == "1")
    }

    /// PostgreSQL goes away while nginx writes eight more segments (about 8 s): the relay
    /// never notices, the records wait in the queue, and all of them arrive once it is back.
    @Test func aDatabaseOutageLosesNeitherStreamNorRows() async throws {
        let h = try await Self.start(api: true)
        defer { h.stop() }
        let (postgres, nginx) = (try #require(h.postgres), h.nginx)
        let streaming = await eventually(timeout: .seconds(30)) {
            (try? Self.metricsCount(postgres)) ?? 0 >= 2 && nginx.segments("seller_42").count >= 2
        }
        #expect(streaming, "log:\n\(h.log)")

        let outageStarted = try postgres.psql("SELECT now()")
        await postgres.stop()
        // The relay never noticed: HLS kept coming (1 s fragments) on the same RTMP session,
        // while the samples queued up.
        #expect(await h.hlsKeepsComing("seller_42", count: 8), "the stream stalled; log:\n\(h.log)")
        #expect(nginx.publishSessions("seller_42").count == 1)
        var pending = 0.0
        let queued = try await eventually(timeout: .seconds(30)) {
            let metrics = try await h.api.metrics()
            pending = Self.value(metrics, "relaygate_db_pending_records") ?? 0
            return Self.value(metrics, "relaygate_db_connected") == 0 && pending >= 5
        }
        #expect(queued, "pending records \(pending); log:\n\(h.log)")
        try await postgres.start()
        let outageEnded = try postgres.psql("SELECT now()")

        // Every record queued during the outage arrives: the queue drains, none dropped or failed.
        var drained: PrometheusText?
        let caughtUp = try await eventually(timeout: .seconds(30)) {
            let metrics = try await h.api.metrics()
            drained = metrics
            return Self.value(metrics, "relaygate_db_connected") == 1 && Self.value(metrics, "relaygate_db_pending_records") == 0
        }
        #expect(caughtUp, "log:\n\(h.log)")
        if let drained {
            #expect(Self.value(drained, "relaygate_db_dropped_records_total") == 0)
            #expect(Self.value(drained, "relaygate_db_failed_records_total") == 0)
        }
        let duringOutage = try postgres.psql(
            "SELECT count(*) FROM stream_metrics WHERE channel_id = 42 AND timestamp > '\(outageStarted)' "
                + "AND timestamp < '\(outageEnded)'")
        #expect((Int(duringOutage) ?? 0) >= 5, "samples taken during the outage: \(duringOutage)")
        #expect(try Self.channelRow(postgres).hasPrefix("active|"))
        #expect(!h.log.contains("dropped"), "records were dropped:\n\(h.log)")
    }

    /// The backend's own flow: relay.start and relay.stop through the API, the channel's
    /// row following them.
    @Test func apiStartAndStopMoveTheChannelRow() async throws {
        let h = try await Self.start(static: false)
        defer { h.stop() }
        let (postgres, nginx) = (try #require(h.postgres), h.nginx)
        try await h.api.start("seller_42", sellerUid: "uid-42")
        let playback = nginx.playlistURL("seller_42")
        let active = await eventually(timeout: .seconds(20)) {
            (try? Self.channelRow(postgres)) == "active|\(playback)|hybrid|true"
        }
        #expect(active, "channels row: \((try? Self.channelRow(postgres)) ?? "none"); log:\n\(h.log)")
        // /metrics shows the recorder's queue: connected, not backing up, nothing dropped (a
        // record or two may be in flight: samples arrive every second).
        let metrics = try await h.api.metrics()
        #expect(Self.value(metrics, "relaygate_db_connected") == 1)
        #expect((Self.value(metrics, "relaygate_db_pending_records") ?? 99) < 5)
        // Present and zero: a missing counter is a failure, not a pass.
        #expect(Self.value(metrics, "relaygate_db_dropped_records_total") == 0)

        let stopped = try await h.api.send("DELETE", "/v1/relays/seller_42")
        #expect(stopped.status == 204, "\(stopped)")
        let recorded = await eventually(timeout: .seconds(30)) {
            (try? Self.channelRow(postgres)) == "stopped|NULL|agora-only|true"
        }
        #expect(recorded, "channels row: \((try? Self.channelRow(postgres)) ?? "none")")
        let reason = try postgres.psql(
            "SELECT reason FROM relay_events WHERE channel = 'seller_42' AND event = 'stopped'")
        #expect(!reason.isEmpty, "no stop event")
    }
}
