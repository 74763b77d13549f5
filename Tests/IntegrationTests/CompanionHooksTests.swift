import Foundation
import Glibc
import Testing
import TestSupport

/// A plugin companion's hooks through the real daemon: worker processes, a worker crash
/// loop, the API and SIGTERM. `relaygate-probe` is relaygate with the probe plugins compiled
/// in; its companion writes one line per hook call, which is what this test reads.
@Suite(.serialized)
struct CompanionHooksTests {
    /// Route `steady` runs at boot, `crashy` crashes its worker on every start, `asked`
    /// serves channels asked for through the API.
    static let routes = """
        profiles:
          copy: { type: passthrough }
        platforms:
          nowhere: { type: probe }
        routes:
          steady: { channel: s1, source: { type: probe }, profile: copy, outputs: [nowhere] }
          crashy:
            channel: c1
            source: { type: probe, crash: true }
            profile: copy
            outputs: [nowhere]
            restart: { backoff: 100ms..200ms, give_up_after: 3 in 1m }
          asked: { match: "ask_{n}", source: { type: probe }, profile: copy, outputs: [nowhere] }

        """

    @Test func everyRelayLifeIsPreparedOnceAndCleanedUpOnceThroughCrashLoopsStopsAndSIGTERM() async throws {
        let hooksDirectory = try TempDirectory("hooks")
        let hooksFile = hooksDirectory.file("hooks.log")
        func hooks() -> [String] {
            ((try? String(contentsOfFile: hooksFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        let h = try await GatewayHarness(
            routes: Self.routes, settings: "stop_timeout: 5s\nprobe:\n  log: \(hooksFile)\n", api: true,
            binary: RelaygateBinary.probePath)
        defer { h.stop() }

        // The crash loop ends with the relay failed, its life cleaned up once.
        let gaveUp = await eventually(timeout: .seconds(30)) { hooks().contains("cleanup crashy/c1 output nowhere") }
        #expect(gaveUp, "log:\n\(h.log)")
        #expect(try await h.api.relay("c1")?["state"] as? String == "failed")
        #expect(h.log.components(separatedBy: "relay worker started").count - 1 >= 3, "fewer than 3 crashy workers")
        #expect(h.log.contains("crash loop: 3 failures"))

        // The steady relay runs: the grants reached its worker (its stages refuse to start without).
        let steady = await eventually(timeout: .seconds(20)) { (try? await h.api.relay("s1"))??["state"] as? String == "active" }
        #expect(steady, "log:\n\(h.log)")
        // What the output's companion provisioned shows on that output, its audience summed.
        let relay = try #require(try await h.api.relay("s1"))
        let output = try #require((relay["outputs"] as? [[String: Any]])?.first { $0["name"] as? String == "nowhere" })
        let platform = output["platform"] as? [String: Any]
        #expect(platform?["kind"] as? String == "probe-input" && platform?["id"] as? String == "probe-s1")
        #expect(platform?["viewers"] as? Int == 7 && relay["hlsViewers"] as? Int == 7, "\(relay)")

        // A relay asked for and stopped through the API: one life, cleaned up once its worker is gone.
        #expect(try await h.api.send("POST", "/v1/relays", json: ["channelId": "ask_1", "sellerUid": "s"]).status == 200)
        #expect(try await h.api.send("DELETE", "/v1/relays/ask_1").status == 204)
        let askedGone = await eventually(timeout: .seconds(20)) { hooks().contains("cleanup asked/ask_1 output nowhere") }
        #expect(askedGone, "hooks:\n\(hooks().joined(separator: "\n"))")

        // A reload tells the companion its platforms again; a platform no route uses touches no relay.
        try h.writeRoutes(Self.routes.replacingOccurrences(of: "  nowhere: { type: probe }\n", with: "  nowhere: { type: probe }\n  spare: { type: probe }\n"))
        h.signal(SIGHUP)
        let reconfigured = await eventually(timeout: .seconds(20)) { hooks().contains("configure nowhere,spare") }
        #expect(reconfigured, "hooks:\n\(hooks().joined(separator: "\n"))")

        // SIGTERM: every remaining life is cleaned up before the companion shuts down.
        #expect(await h.terminate() == 0, "log:\n\(h.log)")
        let lines = hooks()
        for relay in ["steady/s1", "crashy/c1", "asked/ask_1"] {
            for stage in ["source", "output nowhere"] {
                let calls = lines.filter { $0.hasSuffix("\(relay) \(stage)") }
                #expect(calls == ["prepare \(relay) \(stage)", "cleanup \(relay) \(stage)"], "\(relay) \(stage): \(calls)")
            }
        }
        #expect(lines.last == "shutdown", "\(lines)")
        // It learnt its platforms first; its own work began once the gateway's relays were up.
        #expect(lines.first == "configure nowhere", "\(lines)")
        #expect(lines.contains { $0.hasPrefix("run ") && $0.contains("steady/s1") }, "\(lines)")
    }
}
