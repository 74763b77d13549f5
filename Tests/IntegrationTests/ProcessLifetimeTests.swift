import Foundation
import Testing
import TestSupport

/// Workers never outlive the gateway, however it ends.
@Suite(.serialized)
struct ProcessLifetimeTests {
    @Test func sigkillOfTheGatewayLeavesNoWorkerBehind() async throws {
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        let publishers = try ["p1", "p2"].map {
            try FFmpeg.publish(
                to: nginx.publishURL("src", $0), width: 320, height: 240, fps: 25, logDirectory: logs.path, name: $0)
        }
        defer { publishers.forEach { $0.signal(SIGKILL) } }
        try await Task.sleep(for: .seconds(1))
        let gateway = try Gateway(
            nginx: nginx,
            routes: "routes:\n" + pullRoute("r1", source: "p1", channel: "k1", nginx: nginx)
                + pullRoute("r2", source: "p2", channel: "k2", nginx: nginx))
        let supervisor = gateway.child.pid
        let running = await eventually(timeout: .seconds(20)) {
            gateway.workers.count == 2 && nginx.segments("k1").count >= 1 && nginx.segments("k2").count >= 1
        }
        #expect(running, "relays did not start; log:\n\(gateway.log)")
        let workers = gateway.workers.map(\.pid)

        gateway.child.signal(SIGKILL)
        try await Task.sleep(for: .seconds(2))
        #expect(processes(containing: "--supervisor-pid \(supervisor) ").isEmpty)
        for pid in workers {
            #expect(!isAlive(pid), "worker \(pid) survived")
        }
    }
}
