import Foundation
import TestSupport

/// What the fault-injection suites share: a migrated PostgreSQL, nginx, and one 320x240
/// seller publishing to `src/cam`.
enum FaultHarness {
    static func start() async throws -> (Postgres, Nginx, ChildProcess) {
        let postgres = try await Postgres.migrated()
        let nginx = try await Nginx()
        // Its log lives with nginx's, as long as the test holds nginx.
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "cam"), width: 320, height: 240, fps: 25, logDirectory: nginx.prefix.path,
            name: "cam")
        try await Task.sleep(for: .seconds(1))
        return (postgres, nginx, publisher)
    }

    static func settings(_ postgres: Postgres, apiPort: Int, token: String) -> String {
        """
        stats_interval: 2s
        restart_delay: 500ms
        database:
          url: "\(postgres.url)"
          metrics_interval: 1s
        api:
          listen: 127.0.0.1:\(apiPort)
          tokens: [{ token: "${RELAYGATE_ADMIN_TOKEN}", scope: admin }]

        """
    }

    /// relay_status | hls_playback_url | stream_mode of channel row `id`.
    static func channelRow(_ postgres: Postgres, id: Int) throws -> String {
        try postgres.psql(
            "SELECT relay_status || '|' || coalesce(hls_playback_url, 'NULL') || '|' || stream_mode FROM channels WHERE id = \(id)")
    }
}
