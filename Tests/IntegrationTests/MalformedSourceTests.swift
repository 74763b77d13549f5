import Foundation
import Testing
import TestSupport

/// Broken media into one relay: that relay fails (or ends) with a source error, while the
/// gateway and its other relays carry on untouched.
@Suite(.serialized)
struct MalformedSourceTests {
    @Test func garbageAndTruncatedFilesFailOnlyTheirOwnRelays() async throws {
        let nginx = try await Nginx()
        let media = try TempDirectory("media")
        // Random bytes with a media name, and an FLV cut off in the middle of a packet.
        var generator = SystemRandomNumberGenerator()
        try Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
            .write(to: URL(fileURLWithPath: "\(media.path)/garbage.flv"))
        try FFmpeg.generate("\(media.path)/whole.flv", seconds: 4, width: 320, height: 240, preset: "ultrafast")
        let whole = try Data(contentsOf: URL(fileURLWithPath: "\(media.path)/whole.flv"))
        try whole.prefix(whole.count * 6 / 10 + 7).write(to: URL(fileURLWithPath: "\(media.path)/truncated.flv"))
        let fileRoute = { (name: String, file: String) in
            """
              \(name):
                channel: \(name)
                source: { type: pull, file: "\(media.path)/\(file)" }
                profile: 480p
                outputs: [nginx]

            """
        }
        let gateway = try await GatewayHarness(
            routes: "routes:\n" + pullRoute("good", source: "seller", channel: "good", nginx: nginx)
                + fileRoute("garbage", "garbage.flv") + fileRoute("truncated", "truncated.flv"),
            sellers: [.init(name: "seller")], nginx: nginx)
        defer { gateway.stop() }
        #expect(await gateway.hlsFlows("good"), "no HLS from the good relay; log:\n\(gateway.log)")

        // Both bad relays have failed or ended at least once (and been restarted) by now.
        let bothSeen = await eventually(timeout: .seconds(30)) {
            let lines = gateway.log.split(separator: "\n")
            return ["garbage", "truncated"].allSatisfy { channel in
                lines.contains { $0.contains("channel=\(channel)") && ($0.contains("relay failed: source:") || $0.contains("relay input ended")) }
            }
        }
        #expect(bothSeen, "log:\n\(gateway.log)")
        #expect(gateway.log.split(separator: "\n").contains { $0.contains("channel=garbage") && $0.contains("relay failed: source:") })
        // The good relay kept its one session and kept streaming; the gateway is alive.
        #expect(await gateway.hlsKeepsComing("good"), "the good relay stalled")
        #expect(nginx.publishSessions("good").count == 1, "\(nginx.publishSessions("good"))")
        #expect(kill(gateway.child.pid, 0) == 0, "the gateway died; log:\n\(gateway.log)")
        #expect(!gateway.log.contains("died unexpectedly"), "a worker crashed; log:\n\(gateway.log)")
    }
}
