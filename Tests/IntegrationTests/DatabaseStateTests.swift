import Foundation
import Testing
import TestSupport

/// The gateway with a real PostgreSQL: the backend's rows follow a relay through start,
/// periodic metrics and stop, and a database outage loses neither the stream nor a row.
@Suite(.serialized)
struct DatabaseStateTests {
    /// A migrated database, a seller publishing to nginx's `src/seller_42`, and a gateway
    /// relaying the static channel `seller_42` (route pattern `seller_{channelId}` → row 42).
    static func setUp() async throws -> (Postgres, Nginx, ChildProcess, Gateway, TempDirectory) {
        let postgres = try await Postgres()
        let migrated = try runProgram(RelaygateBinary.path, ["migrate", "up", "--database-url", postgres.url])
        guard migrated.status == 0 else { throw TestFailure("migrate up: \(migrated.stderr)") }
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "seller_42"), width: 320, height: 240, fps: 25, logDirectory: logs.path,
            name: "pub")
        try await Task.sleep(for: .seconds(1))
        let routes = """
            routes:
              sellers:
                match: "seller_{channelId}"
                channel: seller_42
                source: { type: pull, url: "\(nginx.publishURL("src", "{channel}"))" }
                outputs: [nginx]
            """
        let settings = """
            stats_interval: 2s
            restart_delay: 500ms
            database:
              url: "\(postgres.url)"
              metrics_interval: 1s
            """
        let gateway = try Gateway(nginx: nginx, routes: routes, settings: settings)
        return (postgres, nginx, publisher, gateway, logs)
    }

    static func channelRow(_ postgres: Postgres) throws -> String {
        try postgres.psql(
            "SELECT relay_status || '|' || coalesce(hls_playback_url, 'NULL') || '|' || stream_mode || '|' "
                + "|| (relay_started_at IS NOT NULL) FROM channels WHERE id = 42")
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
            (try? Self.channelRow(postgres)) == "active|\(playback)|hybrid|t"
        }
        #expect(active, "channels row: \((try? Self.channelRow(postgres)) ?? "none"); log:\n\(gateway.log)")

        let sampled = await eventually(timeout: .seconds(10)) { (try? Self.metricsCount(postgres)) ?? 0 >= 4 }
        #expect(sampled, "stream_metrics rows: \((try? Self.metricsCount(postgres)) ?? -1)")
        let sample = try postgres.psql(
            "SELECT bitrate_kbps > 0, relay_health FROM stream_metrics WHERE channel_id = 42 ORDER BY timestamp DESC LIMIT 1")
        #expect(sample == "t|good" || sample == "t|fair", "latest sample: \(sample)")
        let transitions = try postgres.psql(
            "SELECT string_agg(coalesce(from_state, '-') || '>' || to_state, ',' ORDER BY id) FROM relay_events "
                + "WHERE channel = 'seller_42' AND event = 'transition'")
        #expect(transitions.contains(">active"), "relay_events transitions: \(transitions)")

        gateway.child.signal(SIGTERM)
        #expect(await gateway.child.wait(timeout: .seconds(20)) == 0)
        #expect(try Self.channelRow(postgres) == "stopped|NULL|agora-only|t")
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
}
