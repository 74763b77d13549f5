import Foundation
import Testing
import TestSupport

/// The gateway itself is SIGKILLed: no worker survives it, and the next gateway (same
/// database) resumes what ran, so PostgreSQL shows the true state again.
@Suite(.serialized)
struct GatewayRestartTests {
    static let adminToken = "admin-\(UUID().uuidString)"

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
        let (postgres, nginx, publisher) = try await FaultHarness.start()
        defer { publisher.signal(SIGKILL) }
        let port = FreePort.next()
        let settings = FaultHarness.settings(postgres, apiPort: port, token: Self.adminToken)
        let environment = ["RELAYGATE_ADMIN_TOKEN": Self.adminToken]
        let first = try Gateway(nginx: nginx, routes: Self.routes(nginx), settings: settings, environment: environment)
        defer { first.child.signal(SIGKILL) }
        let http = HTTPClient(baseURL: "http://127.0.0.1:\(port)")
        let listening = await eventually(timeout: .seconds(10)) { FreePort.isListening(port) }
        try #require(listening, "log:\n\(first.log)")
        for channel in ["seller_2", "gone_3"] {
            let reply = try await http.send(
                "POST", "/v1/relays", token: Self.adminToken, json: ["channelId": channel, "sellerUid": "uid-\(channel)"])
            #expect(reply.status == 200, "\(reply)")
        }
        let active = await eventually(timeout: .seconds(20)) {
            [1, 2, 3].allSatisfy { (try? FaultHarness.channelRow(postgres, id: $0))?.hasPrefix("active|") == true }
        }
        try #require(active, "log:\n\(first.log)")
        let startedBefore = try [1, 2].map { try Self.startedAt(postgres, id: $0) }
        let sessionsBefore = ["seller_1", "seller_2"].map { nginx.publishSessions($0).count }

        // Gateway SIGKILL: its workers die with it (PR_SET_PDEATHSIG), none is left behind.
        let supervisor = first.child.pid
        let workers = first.workers.map(\.pid)
        #expect(workers.count == 3)
        first.child.signal(SIGKILL)
        let orphansGone = await eventually(timeout: .seconds(3)) {
            processes(containing: "--supervisor-pid \(supervisor) ").isEmpty && workers.allSatisfy { !isAlive($0) }
        }
        #expect(orphansGone, "workers of \(supervisor) survived: \(processes(containing: "--supervisor-pid \(supervisor) "))")
        // The database still says what was running: the next gateway reads it.
        _ = await first.child.wait(timeout: .seconds(5))

        let second = try Gateway(
            nginx: nginx, routes: Self.routes(nginx, withGone: false), settings: settings, environment: environment)
        defer { second.child.signal(SIGKILL) }
        let back = await eventually(timeout: .seconds(20)) {
            zip(["seller_1", "seller_2"], sessionsBefore).allSatisfy { nginx.publishSessions($0).count > $1 }
                && [1, 2].allSatisfy { (try? Self.startedAt(postgres, id: $0)) != startedBefore[$0 - 1] }
        }
        #expect(back, "relays did not come back; log:\n\(second.log)")
        for id in [1, 2] {
            #expect(try FaultHarness.channelRow(postgres, id: id).hasPrefix("active|"))
        }
        let list = try await http.send("GET", "/v1/relays", token: Self.adminToken)
        #expect(list.text.contains("\"seller_2\"") && list.text.contains("uid-seller_2"), "\(list)")
        #expect(try FaultHarness.channelRow(postgres, id: 3) == "stopped|NULL|agora-only")
        let reason = try postgres.psql(
            "SELECT reason FROM relay_events WHERE channel = 'gone_3' AND event = 'stopped' ORDER BY id DESC LIMIT 1")
        #expect(reason.contains("not resumed after restart"), "\(reason)")
        #expect(try postgres.psql("SELECT count(*) FROM relays WHERE desired") == "2")
    }
}
