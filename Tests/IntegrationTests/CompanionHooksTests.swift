import Foundation
import Testing
import TestSupport

/// A plugin companion's hooks through the real daemon: worker processes, a worker crash
/// loop, the API and SIGTERM. `relaygate-probe` is relaygate with the probe plugins compiled
/// in; its companion writes one line per hook call, which is what this test reads.
@Suite(.serialized)
struct CompanionHooksTests {
    static let adminToken = "admin-\(UUID().uuidString)"

    /// Route `steady` runs at boot, `crashy` crashes its worker on every start, `asked`
    /// serves channels asked for through the API.
    static func config(_ directory: TempDirectory, apiPort: Int) throws {
        try directory.write(
            "relaygate.yaml",
            """
            stats_interval: 1s
            stop_timeout: 5s
            api:
              listen: 127.0.0.1:\(apiPort)
              tokens: [{ token: "\(adminToken)", scope: admin }]
            probe:
              log: \(directory.file("hooks.log"))

            """)
        try directory.write(
            "conf.d/30-routes.yaml",
            """
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

            """)
    }

    static func hooks(_ directory: TempDirectory) -> [String] {
        ((try? String(contentsOfFile: directory.file("hooks.log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func everyRelayLifeIsPreparedOnceAndCleanedUpOnceThroughCrashLoopsStopsAndSIGTERM() async throws {
        let directory = try TempDirectory("probe")
        let apiPort = FreePort.next()
        try Self.config(directory, apiPort: apiPort)
        let gateway = try ChildProcess(
            RelaygateBinary.probePath, ["run", "--config", directory.path], logDirectory: directory.path, name: "probe")
        defer { gateway.signal(SIGKILL) }
        let api = HTTPClient(baseURL: "http://127.0.0.1:\(apiPort)")

        // The crash loop ends with the relay failed, its life cleaned up once.
        let gaveUp = await eventually(timeout: .seconds(30)) { Self.hooks(directory).contains("cleanup crashy/c1 source") }
        #expect(gaveUp, "log:\n\(gateway.stderr)")
        let crashy = try await api.send("GET", "/v1/relays/c1", token: Self.adminToken)
        #expect((crashy.json as? [String: Any])?["state"] as? String == "failed", "\(crashy)")
        #expect(gateway.stderr.components(separatedBy: "relay worker started").count - 1 >= 3, "fewer than 3 crashy workers")
        #expect(gateway.stderr.contains("crash loop: 3 failures"))

        // The steady relay runs: the grants reached its worker (its stages refuse to start without).
        let steady = await eventually(timeout: .seconds(20)) {
            let reply = try? await api.send("GET", "/v1/relays/s1", token: Self.adminToken)
            return (reply?.json as? [String: Any])?["state"] as? String == "active"
        }
        #expect(steady, "log:\n\(gateway.stderr)")

        // A relay asked for and stopped through the API: one life, cleaned up once its worker is gone.
        let started = try await api.send("POST", "/v1/relays", token: Self.adminToken, json: ["channelId": "ask_1", "sellerUid": "s"])
        #expect(started.status == 200, "\(started)")
        let stopped = try await api.send("DELETE", "/v1/relays/ask_1", token: Self.adminToken)
        #expect(stopped.status == 204, "\(stopped)")
        let askedGone = await eventually(timeout: .seconds(20)) {
            Self.hooks(directory).contains("cleanup asked/ask_1 output nowhere")
        }
        #expect(askedGone, "hooks:\n\(Self.hooks(directory).joined(separator: "\n"))")

        // SIGTERM: every remaining life is cleaned up before the companion shuts down.
        gateway.signal(SIGTERM)
        #expect(await gateway.wait(timeout: .seconds(30)) == 0, "log:\n\(gateway.stderr)")
        let hooks = Self.hooks(directory)
        for relay in ["steady/s1", "crashy/c1", "asked/ask_1"] {
            for stage in ["source", "output nowhere"] {
                let lines = hooks.filter { $0.hasSuffix("\(relay) \(stage)") }
                #expect(lines == ["prepare \(relay) \(stage)", "cleanup \(relay) \(stage)"], "\(relay) \(stage): \(lines)")
            }
        }
        #expect(hooks.last == "shutdown", "\(hooks)")
        // Its own work began once the gateway's relays were up.
        #expect(hooks.contains { $0.hasPrefix("run ") && $0.contains("steady/s1") }, "\(hooks)")
    }
}
