import Foundation
import RelayCore
import RelayStore
import TestSupport
import Testing

@Suite struct RecorderTests {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // a fixed UTC second

    static func record(_ event: RelayRecord.Event, id: Int64? = 42, channel: String = "seller_42", at offset: Double = 0)
        -> RelayRecord
    {
        RelayRecord(channel: channel, channelID: id, route: "sellers", time: start.addingTimeInterval(offset), event: event)
    }

    static func recorder(
        _ postgres: Postgres, queueLimit: Int = 10_000, clock: any BlockingClock = SystemClock()
    ) -> PostgresRecorder {
        PostgresRecorder(
            url: DatabaseURL(postgres.url), queueLimit: queueLimit, logger: testLogger,
            reconnectDelay: .milliseconds(100)...(.milliseconds(500)), clock: clock)
    }

    @Test func startedMetricsAndStoppedLandAsSpecified() async throws {
        let postgres = try await Postgres()
        _ = try migratedConnection(postgres)
        let recorder = Self.recorder(postgres)
        recorder.record(Self.record(.transition(from: .starting, to: .active, reason: "source connected", detail: nil)))
        recorder.record(Self.record(.started(playbackURL: "http://cdn/hls/seller_42.m3u8", platform: "local")))
        recorder.record(Self.record(.metrics(bitrateKbps: 2999.6, fps: 30, health: .good), at: 10))
        #expect(await recorder.flush(timeout: .seconds(10)))

        // Standalone: the channel row was created for the relay, then updated.
        #expect(
            try postgres.psql(
                "SELECT id, name, relay_status, hls_playback_url, stream_mode, relay_started_at, streaming_platform FROM channels")
                == "42|seller_42|active|http://cdn/hls/seller_42.m3u8|hybrid|2026-11-18 11:06:40|local")
        #expect(
            try postgres.psql("SELECT channel_id, \"timestamp\", bitrate_kbps, relay_health, agora_viewers FROM stream_metrics")
                == "42|2026-11-18 11:06:50|3000|good|0")

        recorder.record(Self.record(.stopped(reason: "stopped by API"), at: 20))
        #expect(await recorder.shutdown(timeout: .seconds(10)))
        #expect(
            try postgres.psql("SELECT relay_status, hls_playback_url IS NULL, stream_mode FROM channels")
                == "stopped|t|agora-only")
        #expect(
            try table(postgres.psql(
                "SELECT channel_id, channel, route, event, from_state, to_state, reason, detail, at FROM relay_events ORDER BY id"))
                == [
                    ["42", "seller_42", "sellers", "transition", "starting", "active", "source connected", "", "2026-11-18 11:06:40"],
                    ["42", "seller_42", "sellers", "started", "", "active", "", "http://cdn/hls/seller_42.m3u8", "2026-11-18 11:06:40"],
                    ["42", "seller_42", "sellers", "stopped", "", "stopped", "stopped by API", "", "2026-11-18 11:07:00"],
                ])
        #expect(recorder.droppedRecords == 0)
        #expect(recorder.failedRecords == 0)
    }

    @Test func theAudiencesCountedOnBothSidesLandInTheirOwnColumns() async throws {
        let postgres = try await Postgres()
        _ = try migratedConnection(postgres)
        let recorder = Self.recorder(postgres)
        recorder.record(Self.record(.metrics(bitrateKbps: 2500, fps: 30, health: .good, viewers: 17, hlsViewers: 242), at: 10))
        recorder.record(Self.record(.metrics(bitrateKbps: 2500, fps: 30, health: .good, hlsViewers: 250), at: 20))
        #expect(await recorder.shutdown(timeout: .seconds(10)))
        #expect(
            try table(postgres.psql("SELECT \"timestamp\", agora_viewers, hls_viewers FROM stream_metrics ORDER BY \"timestamp\""))
                == [["2026-11-18 11:06:50", "17", "242"], ["2026-11-18 11:07:00", "0", "250"]])
    }

    @Test func withTheBackendsChannelsOnlyKnownRowsAreUpdated() async throws {
        let postgres = try await Postgres()
        try postgres.psql("CREATE TABLE channels (id serial PRIMARY KEY, name text NOT NULL); INSERT INTO channels (name) VALUES ('shop')")
        _ = try migratedConnection(postgres)
        let recorder = Self.recorder(postgres)
        recorder.record(Self.record(.started(playbackURL: "http://x/1.m3u8", platform: "local"), id: 1, channel: "seller_1"))
        recorder.record(Self.record(.started(playbackURL: "http://x/99.m3u8", platform: "local"), id: 99, channel: "seller_99"))
        recorder.record(Self.record(.metrics(bitrateKbps: 100, fps: 30, health: .fair), id: 99, channel: "seller_99"))
        recorder.record(Self.record(.started(playbackURL: nil, platform: nil), id: nil, channel: "lobby"))
        #expect(await recorder.shutdown(timeout: .seconds(10)))
        // Not ours to add rows to: channel 99 is skipped (warned), and "lobby" has no id.
        #expect(try postgres.psql("SELECT id, relay_status FROM channels ORDER BY id") == "1|active")
        #expect(try postgres.psql("SELECT count(*) FROM stream_metrics") == "0")
        #expect(try postgres.psql("SELECT channel FROM relay_events ORDER BY id") == "seller_1\nseller_99\nlobby")
        #expect(recorder.failedRecords == 0)
    }

    /// The store-level outage: PostgreSQL goes away while a relay keeps reporting every
    /// second. `record` never waits for the writer, which retries with backoff (100 ms
    /// doubling to 500 ms, on its clock); when PostgreSQL returns, every queued row arrives,
    /// in order.
    @Test func anOutageLosesNothing() async throws {
        let postgres = try await Postgres()
        _ = try migratedConnection(postgres)
        let clock = ManualClock()
        let recorder = Self.recorder(postgres, clock: clock)
        recorder.record(Self.record(.started(playbackURL: "http://x/42.m3u8", platform: "local")))
        #expect(await recorder.flush(timeout: .seconds(10)))
        #expect(recorder.isConnected)

        await postgres.stop()
        // The first sample meets the dead connection; from then on the writer sleeps out its
        // backoff on the clock, which moves only once each record() has returned: a record()
        // that waited on the writer or the database would hang here.
        var pauses: [Duration] = []
        for second in 1...10 {
            recorder.record(Self.record(.metrics(bitrateKbps: Double(second * 100), fps: 30, health: .good), at: Double(second)))
            let retry = try #require(clock.waitForSleeper(), "the writer never paused to retry")
            pauses.append(retry - clock.now)
            #expect(!recorder.isConnected)
            clock.advance(to: retry)
        }
        #expect(pauses == [100, 200, 400, 500, 500, 500, 500, 500, 500, 500].map(Duration.milliseconds))
        recorder.record(Self.record(.stopped(reason: "stopped by API"), at: 11))
        #expect(recorder.pendingRecords == 11)
        #expect(!recorder.isConnected)

        try await postgres.start()
        let retry = try #require(clock.waitForSleeper(), "the writer is not waiting to retry")
        clock.advance(to: retry)
        #expect(await recorder.flush(timeout: .seconds(30)), "still \(recorder.pendingRecords) queued")
        #expect(
            try postgres.psql("SELECT bitrate_kbps FROM stream_metrics ORDER BY id")
                == (1...10).map { String($0 * 100) }.joined(separator: "\n"))
        #expect(
            try postgres.psql("SELECT extract(epoch FROM \"timestamp\")::int - 1795000000 FROM stream_metrics ORDER BY id")
                == (1...10).map(String.init).joined(separator: "\n"))
        #expect(try postgres.psql("SELECT relay_status, stream_mode FROM channels WHERE id = 42") == "stopped|agora-only")
        #expect(try postgres.psql("SELECT event FROM relay_events ORDER BY id") == "started\nstopped")
        #expect(recorder.droppedRecords == 0)
        #expect(recorder.isConnected)
        _ = await recorder.shutdown(timeout: .seconds(1))
    }

    @Test func overflowDropsMetricsFirstAndCountsThem() async throws {
        let postgres = try await Postgres()
        _ = try migratedConnection(postgres)
        await postgres.stop()
        let recorder = Self.recorder(postgres, queueLimit: 5)
        recorder.record(Self.record(.started(playbackURL: "http://x/42.m3u8", platform: "local")))
        for n in 1...10 {
            recorder.record(Self.record(.metrics(bitrateKbps: Double(n), fps: 30, health: .good), at: Double(n)))
        }
        recorder.record(Self.record(.stopped(reason: "stopped by API"), at: 11))
        #expect(recorder.droppedRecords == 7)
        #expect(recorder.pendingRecords == 5)

        try await postgres.start()
        #expect(await recorder.shutdown(timeout: .seconds(10)))
        #expect(try postgres.psql("SELECT bitrate_kbps FROM stream_metrics ORDER BY id") == "8\n9\n10")
        #expect(try postgres.psql("SELECT event FROM relay_events ORDER BY id") == "started\nstopped")
        #expect(try postgres.psql("SELECT relay_status FROM channels") == "stopped")
    }
}
