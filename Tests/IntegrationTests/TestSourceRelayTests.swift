import Foundation
import Testing
import TestSupport

/// The daemon with no outside input at all: the synthetic `testsrc` seller encoded to a
/// built-in profile and pushed to nginx-rtmp, as the demo runs it.
@Suite(.serialized)
struct TestSourceRelayTests {
    @Test func testSourceThroughA480pProfileBecomesHLS() async throws {
        let route = """
            routes:
              synthetic:
                channel: synth
                source: { type: testsrc, width: 320, height: 240, fps: 25 }
                profile: 480p
                outputs: [nginx]
            """
        let gateway = try await GatewayHarness(routes: route)
        defer { gateway.stop() }
        let nginx = gateway.nginx
        let up = await eventually(timeout: .seconds(30)) { nginx.segments("synth").count >= 4 }
        #expect(up, "no HLS; log:\n\(gateway.log)")

        try expect480pHLS(nginx, "synth")

        #expect(await gateway.terminate() == 0)
        #expect(nginx.publishSessions("synth").allSatisfy { $0.clean })
    }
}
