import Foundation
import RelayCore
import RelayStore
import TestSupport
import Testing

/// The companions' ledger in a real PostgreSQL: what one gateway recorded, the next finds.
@Suite struct PostgresLedgerTests {
    static let created = Date(timeIntervalSince1970: 1_795_000_000.25)

    static func input(_ id: String, channel: String = "seller_42", platform: String? = "cf") -> ProvisionedResource {
        ProvisionedResource(
            companion: "cloudflare", platform: platform, kind: "live-input", id: id, route: "sellers", channel: channel,
            createdAt: created)
    }

    @Test func whatOneLedgerRecordedTheNextFindsUntilItIsForgotten() async throws {
        let postgres = try await Postgres()
        _ = try migratedConnection(postgres)
        let first = PostgresLedger(url: DatabaseURL(postgres.url))
        try await first.record(Self.input("a1"))
        try await first.record(Self.input("b2", channel: "seller_7"))
        try await first.record(ProvisionedResource(
            companion: "ivs", platform: "ivs", kind: "channel", id: "arn:aws:ivs:eu-west-1:123:channel/x", route: "sellers",
            channel: "seller_42", createdAt: Self.created))
        // Recorded again (a retried create that came back with the same id): still one entry.
        try await first.record(Self.input("a1"))

        // A gateway restarted after a crash.
        let next = PostgresLedger(url: DatabaseURL(postgres.url))
        let found = try await next.resources(of: "cloudflare")
        #expect(found == [Self.input("a1"), Self.input("b2", channel: "seller_7")])
        #expect(found.first?.relayID == "sellers/seller_42")
        #expect(try await next.resources(of: "ivs").map(\.id) == ["arn:aws:ivs:eu-west-1:123:channel/x"])

        try await next.forget(companion: "cloudflare", id: "a1")
        #expect(try await first.resources(of: "cloudflare").map(\.id) == ["b2"])
        #expect(try postgres.psql("SELECT count(*) FROM relay_resources") == "2")
    }

    @Test func withoutTheMigrationACallFailsWithPostgresText() async throws {
        let postgres = try await Postgres()
        let ledger = PostgresLedger(url: DatabaseURL(postgres.url))
        await #expect {
            try await ledger.record(Self.input("a1"))
        } throws: { error in
            String(describing: error).contains("relay_resources")
        }
    }

    @Test func theMemoryLedgerKeepsTheSameRules() async throws {
        let ledger: any ResourceLedger = MemoryLedger()
        try await ledger.record(Self.input("a1"))
        try await ledger.record(Self.input("a1", platform: "other"))
        try await ledger.record(Self.input("b2"))
        #expect(try await ledger.resources(of: "cloudflare").map(\.id) == ["a1", "b2"])
        #expect(try await ledger.resources(of: "cloudflare").last?.platform == "cf")
        try await ledger.forget(companion: "cloudflare", id: "b2")
        #expect(try await ledger.resources(of: "cloudflare").map(\.id) == ["a1"])
        #expect(try await ledger.resources(of: "ivs").isEmpty)
    }
}
