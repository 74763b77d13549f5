import Foundation
import Testing
import TestSupport

/// The gateway itself is SIGKILLed: no worker survives it, and the next gateway (same
/// database) resumes what ran, so PostgreSQL shows the true state again.
@Suite(.serialized)
struct GatewayRestartTests {
    /// `sellers` serves `seller_*` and `gone` serves `gone_*` through the API; `fixed`
    /// relays the static channel `seller_1`. `withGone: false` is the config after `gone` was removed.
    static func routes(_ nginx: Nginx, withGone: Bool = true) -> String {
        var text = """
            routes:
              sellers:
                match: "seller_{channelId}"
                source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
                outputs: [nginx]
              fixed:
                match: "seller_{channelId}"
                channel: seller_1
                source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
                outputs: [nginx]

            """
        if withGone {
            text += """
                  gone:
                    match: "gone_{channelId}"
                    source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
                    outputs: [nginx]

                """
        }
        return text
    }

    static func startedAt(_ postgres: Postgres, id: Int) throws -> String {
        try postgres.psql("SELECT relay_started_at FROM channels WHERE id = \(id)")
    }

    @Test func relaysComeBackAfterTheGatewayIsKilled() async throws {
        let nginx = try await Nginx()
        let h = try await GatewayHarness(routes: Self.routes(nginx), sellers: [.cam], database: true, api: true, nginx: nginx)
        defer { h.stop() }
        let postgres = try #require(h.postgres)
        for channel in ["seller_2", "gone_3"] { try await h.api.start(channel) }
        let active = await eventually(timeout: .seconds(30)) {
            [1, 2, 3].allSatisfy { (try? channelStatus(postgres, id: $0))?.hasPrefix("active|") == true }
        }
        try #require(active, "log:\n\(h.log)")
        let startedBefore = try [1, 2].map { try Self.startedAt(postgres, id: $0) }
        let sessionsBefore = ["seller_1", "seller_2"].map { nginx.publishSessions($0).count }

        // Gateway SIGKILL: its workers die with it (PR_SET_PDEATHSIG), none is left behind.
        let supervisor = h.child.pid
        let workers = h.workers.map(\.pid)
        #expect(workers.count == 3)
        let firstLog = h.log
        h.kill()
        let orphansGone = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            processes(containing: "--supervisor-pid \(supervisor) ").isEmpty && workers.allSatisfy { !isAlive($0) }
        }
        #expect(orphansGone, "workers of \(supervisor) survived: \(processes(containing: "--supervisor-pid \(supervisor) "))")

        // The database still says what was running: the next gateway, without route `gone`, reads it.
        try h.writeRoutes(Self.routes(nginx, withGone: false))
        try await h.startAnother()
        let back = await eventually(timeout: .seconds(30)) {
            zip(["seller_1", "seller_2"], sessionsBefore).allSatisfy { nginx.publishSessions($0).count > $1 }
                && [1, 2].allSatisfy { (try? Self.startedAt(postgres, id: $0)) != startedBefore[$0 - 1] }
        }
        #expect(back, "relays did not come back; log:\n\(h.log)\nfirst gateway:\n\(firstLog)")
        for id in [1, 2] {
            #expect(try channelStatus(postgres, id: id).hasPrefix("active|"))
        }
        let seller2 = try #require(try await h.api.relay("seller_2"), "seller_2 was not resumed")
        #expect(seller2["sellerUid"] as? String == "uid-seller_2" && seller2["origin"] as? String == "api", "\(seller2)")
        #expect(try await h.api.relay("gone_3") == nil)
        #expect(try channelStatus(postgres, id: 3) == "stopped|NULL|agora-only")
        let reason = try postgres.psql(
            "SELECT reason FROM relay_events WHERE channel = 'gone_3' AND event = 'stopped' ORDER BY id DESC LIMIT 1")
        #expect(reason.contains("not resumed after restart"), "\(reason)")
        #expect(try postgres.psql("SELECT count(*) FROM relays WHERE desired") == "2")
    }
}
