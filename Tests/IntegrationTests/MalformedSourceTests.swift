import Foundation
import Testing
import TestSupport

/// Broken media into one relay: that relay fails (or ends) with a source error, while the
/// gateway and its other relays carry on untouched.
@Suite(.serialized)
struct MalformedSourceTests {
    @Test func garbageAndTruncatedFilesFailOnlyTheirOwnRelays() async throws {
        let nginx = try await Nginx()
        let logs = try TempDirectory("logs")
        let media = try TempDirectory("media")
        // Random bytes with a media name, and an FLV cut off in the middle of a packet.
        var generator = SystemRandomNumberGenerator()
        try Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
            .write(to: URL(fileURLWithPath: "\(media.path)/garbage.flv"))
        try FFmpeg.generate("\(media.path)/whole.flv", seconds: 4, width: 320, height: 240, preset: "ultrafast")
        let whole = try Data(contentsOf: URL(fileURLWithPath: "\(media.path)/whole.flv"))
        try whole.prefix(whole.count * 6 / 10 + 7).write(to: URL(fileURLWithPath: "\(media.path)/truncated.flv"))
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "seller"), width: 320, height: 240, fps: 25, logDirectory: logs.path, name: "pub")
        defer { publisher.signal(SIGKILL) }
        try await Task.sleep(for: .seconds(1))
        let fileRoute = { (name: String, file: String) in
            """
              \(name):
                channel: \(name)
                source: { type: pull, file: "\(media.path)/\(file)" }
                profile: 480p
                outputs: [nginx]

            """
        }
        let gateway = try Gateway(
            nginx: nginx,
            routes: "routes:\n" + pullRoute("good", source: "seller", channel: "good", nginx: nginx)
                + fileRoute("garbage", "garbage.flv") + fileRoute("truncated", "truncated.flv"))
        defer { gateway.child.signal(SIGKILL) }
        let started = await eventually(timeout: .seconds(20)) { nginx.segments("good").count >= 2 }
        #expect(started, "no HLS from the good relay; log:\n\(gateway.log)")
        let before = nginx.publishedMilliseconds("good") ?? 0

        // Both bad relays have failed or ended at least once (and been restarted) by now.
        let bothSeen = await eventually(timeout: .seconds(20)) {
            let lines = gateway.log.split(separator: "\n")
            return ["garbage", "truncated"].allSatisfy { channel in
                lines.contains { $0.contains("channel=\(channel)") && ($0.contains("relay failed: source:") || $0.contains("relay input ended")) }
            }
        }
        #expect(bothSeen, "log:\n\(gateway.log)")
        #expect(gateway.log.split(separator: "\n").contains { $0.contains("channel=garbage") && $0.contains("relay failed: source:") })
        try await Task.sleep(for: .seconds(3))
        // The good relay kept its one session and kept streaming; the gateway is alive.
        #expect(nginx.publishSessions("good").count == 1, "\(nginx.publishSessions("good"))")
        #expect((nginx.publishedMilliseconds("good") ?? 0) >= before + 2500)
        #expect(kill(gateway.child.pid, 0) == 0, "the gateway died; log:\n\(gateway.log)")
        #expect(!gateway.log.contains("died unexpectedly"), "a worker crashed; log:\n\(gateway.log)")
    }
}
