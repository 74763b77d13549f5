import Foundation
import RelayCore
@testable import RelayStore
import TestSupport
import Testing

/// The `relays` table (migration 003) and what a restarted gateway reads back from it.
@Suite struct DesiredRelaysTests {
    static func record(_ event: RelayRecord.Event, channel: String, id: Int64) -> RelayRecord {
        RelayRecord(channel: channel, channelID: id, route: "sellers", event: event)
    }

    @Test func requestedStoppedAndFailedRelaysReadBackAsWantedOrNot() async throws {
        let postgres = try await Postgres()
        _ = try migratedConnection(postgres)
        let recorder = RecorderTests.recorder(postgres)
        recorder.record(Self.record(.requested(requestedRoute: nil, sellerUID: nil, fromConfig: true), channel: "seller_1", id: 1))
        recorder.record(
            Self.record(
                .requested(requestedRoute: "sellers", sellerUID: "uid-2", fromConfig: false, ingestKey: "0f3c9a"),
                channel: "seller_2", id: 2))
        recorder.record(Self.record(.requested(requestedRoute: nil, sellerUID: "uid-3", fromConfig: false), channel: "seller_3", id: 3))
        recorder.record(Self.record(.requested(requestedRoute: nil, sellerUID: "uid-4", fromConfig: false), channel: "seller_4", id: 4))
        for id: Int64 in 1...4 {
            recorder.record(Self.record(.started(playbackURL: "http://cdn/\(id)", platform: "local"), channel: "seller_\(id)", id: id))
        }
        recorder.record(Self.record(.stopped(reason: "stopped through the API"), channel: "seller_3", id: 3))
        recorder.record(Self.record(.failed(reason: "crash loop: 5 failures in 10m; last: worker killed by signal 9"), channel: "seller_4", id: 4))
        // A row left 'active' by a gateway that predates the relays table.
        recorder.record(Self.record(.started(playbackURL: "http://cdn/5", platform: "local"), channel: "seller_5", id: 5))
        #expect(await recorder.shutdown(timeout: .seconds(10)))

        #expect(
            try postgres.psql("SELECT relay_status, hls_playback_url IS NULL, stream_mode FROM channels WHERE id = 4")
                == "error|t|agora-only")
        #expect(try postgres.psql("SELECT reason FROM relay_events WHERE event = 'failed'").hasPrefix("crash loop: 5 failures"))
        let previous = try #require(try PreviousRelays.read(url: DatabaseURL(postgres.url)))
        #expect(
            previous.relays == [
                .init(channel: "seller_1", channelID: 1, route: "sellers", requestedRoute: nil, sellerUID: nil, fromConfig: true),
                .init(
                    channel: "seller_2", channelID: 2, route: "sellers", requestedRoute: "sellers", sellerUID: "uid-2",
                    fromConfig: false, ingestKey: "0f3c9a"),
            ])
        #expect(previous.activeChannels == [.init(id: 5, channel: "seller_5", route: "sellers")])
    }

    @Test func withoutMigration003ThereIsNothingToResume() async throws {
        let postgres = try await Postgres()
        try postgres.psql("CREATE TABLE channels (id serial PRIMARY KEY, name text NOT NULL)")
        #expect(try PreviousRelays.read(url: DatabaseURL(postgres.url)) == nil)
    }
}
