import Foundation
import Testing
import TestSupport

/// Workers never outlive the gateway, however it ends.
@Suite(.serialized)
struct ProcessLifetimeTests {
    @Test func sigkillOfTheGatewayLeavesNoWorkerBehind() async throws {
        let nginx = try await Nginx()
        let gateway = try await GatewayHarness(
            routes: "routes:\n" + pullRoute("r1", source: "p1", channel: "k1", nginx: nginx)
                + pullRoute("r2", source: "p2", channel: "k2", nginx: nginx),
            sellers: [.init(name: "p1"), .init(name: "p2")], nginx: nginx)
        defer { gateway.stop() }
        let supervisor = gateway.child.pid
        let running = await eventually(timeout: .seconds(30)) {
            gateway.workers.count == 2 && nginx.segments("k1").count >= 1 && nginx.segments("k2").count >= 1
        }
        #expect(running, "relays did not start; log:\n\(gateway.log)")
        let workers = gateway.workers.map(\.pid)

        gateway.kill()
        let gone = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            processes(containing: "--supervisor-pid \(supervisor) ").isEmpty && workers.allSatisfy { !isAlive($0) }
        }
        #expect(gone, "survived: \(processes(containing: "--supervisor-pid \(supervisor) "))")
    }
}
