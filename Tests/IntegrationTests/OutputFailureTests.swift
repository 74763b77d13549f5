import Foundation
import Testing
import TestSupport

/// Fault injection on one output of a relay with two, as a viewer (nginx's HLS) and an
/// operator (the API, the log) see it: the broken destination retries or fails on its own,
/// the other one never notices.
@Suite(.serialized)
struct OutputFailureTests {
    /// A gateway running one pull route `r` (channel `ch`) from the seller on `nginx`'s
    /// `src/cam` to platforms `platforms` (YAML), with the API; `nginx` is also platform `nginx`.
    static func gateway(platforms: String, outputs: String, nginx: Nginx) async throws -> GatewayHarness {
        let routes = """
            platforms:
            \(platforms)
            routes:
              r:
                channel: ch
                source:
                  type: pull
                  url: "\(nginx.publishURL("src", "cam"))"
                profile: passthrough
                outputs: [\(outputs)]

            """
        return try await GatewayHarness(routes: routes, sellers: [.cam], api: true, nginx: nginx)
    }

    /// The relay's outputs by name, as `GET /v1/relays/ch` shows them to a read token.
    static func outputs(_ h: GatewayHarness, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> [String: [String: Any]]
    {
        let relay = try await h.api.relay("ch", token: GatewayHarness.readToken, sourceLocation: sourceLocation)
        let outputs = (relay?["outputs"] as? [[String: Any]]) ?? []
        return Dictionary(outputs.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// A is down for several retries (the backoff reaches its cap): it reconnects by itself,
    /// and B streams on in its one session without a hole.
    @Test func aDestinationDownForSeveralRetriesIsReconnectedAndTheOtherOutputSeesNoGap() async throws {
        let nginxA = try await Nginx()
        // The seller publishes to the nginx that stays up.
        let nginxB = try await Nginx()
        let platforms = """
              a:
                type: rtmp
                url: "\(nginxA.publishURL("live", "{channel}"))"
                retry: { backoff: 500ms, max_backoff: 2s, give_up_after: 1m }
              b:
                type: rtmp
                url: "\(nginxB.publishURL("live", "{channel}"))"
            """
        let h = try await Self.gateway(platforms: platforms, outputs: "a, b", nginx: nginxB)
        defer { h.stop(); nginxA.stop() }

        // Long enough that A's session counts as working (`SinkRunner.workingSession`).
        let up = await eventually(timeout: .seconds(30)) { nginxA.segments("ch").count >= 4 && nginxB.segments("ch").count >= 4 }
        #expect(up, "no HLS from the relay; log:\n\(h.log)")

        nginxA.stop()
        let bAtOutage = nginxB.segments("ch").count
        let retrying = try await eventually(timeout: .seconds(20)) {
            try await Self.outputs(h)["a"]?["state"] as? String == "retrying"
        }
        #expect(retrying, "output a not retrying; log:\n\(h.log)")
        let duringOutage = try await Self.outputs(h)
        #expect(duringOutage["b"]?["state"] as? String == "active")
        #expect((duringOutage["a"]?["errorClass"] as? String) == "destination", "\(duringOutage)")
        #expect(duringOutage["a"]?["connectedSince"] == nil)
        // Five refused attempts take the backoff (500 ms, 1 s, 2 s) to its cap.
        let retried = try await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
            (try await Self.outputs(h)["a"]?["retries"] as? Int ?? 0) >= 5
        }
        let retriedOutputs = try await Self.outputs(h)
        #expect(retried, "\(retriedOutputs); log:\n\(h.log)")
        #expect(nginxB.segments("ch").count > bAtOutage, "B stopped while A was down")
        let segmentsBefore = nginxA.segments("ch").count
        try await nginxA.start()

        // A publishes again by itself and nginx makes HLS from it.
        let back = await eventually(timeout: .seconds(30)) { nginxA.segments("ch").count >= segmentsBefore + 2 }
        #expect(back, "output a did not come back; log:\n\(h.log)\n\(nginxA.errorLog)")
        let settled = try await eventually(timeout: .seconds(20)) {
            try await Self.outputs(h)["a"]?["state"] as? String == "active"
        }
        let after = try await Self.outputs(h)
        let a = try #require(after["a"])
        #expect(settled, "\(a)")
        #expect((a["retries"] as? Int ?? 0) >= 5, "\(a)")
        #expect(a["lastRetryAt"] is String && a["connectedSince"] is String, "\(a)")
        #expect(after["b"]?["retries"] as? Int == 0)
        #expect(h.log.contains("output[a]=active"), "stats line")

        // B kept its one session; its HLS has no hole (0.04 s frames; 0.5 s would be a gap).
        #expect(await h.terminate() == 0)
        let recording = try await nginxB.recording("ch")
        #expect(nginxB.publishSessions("ch").count == 1, "\(nginxB.publishSessions("ch"))")
        let times = try FFprobe.packets(recording, kind: "video").map(\.time).sorted()
        let gap = zip(times, times.dropFirst()).map { $1 - $0 }.max() ?? 99
        #expect(times.count > 25 * 5 && gap < 0.5, "video packets \(times.count), largest gap \(gap) s")
    }

    /// A refused key fails its output at once: one attempt (`fail_fast_attempts: 1`), which
    /// nginx saw refused, and no retry after it; the good output streams on.
    @Test func aRefusedStreamKeyFailsFastWithTheKeyMasked() async throws {
        let nginx = try await Nginx.guarded(allowing: "goodkey")
        let platforms = """
              good:
                type: rtmp
                url: "\(nginx.publishURL("guarded", "goodkey"))"
              bad:
                type: rtmp
                url: "\(nginx.publishURL("guarded", "SECRETBADKEY"))"
                fail_fast_attempts: 1
            """
        let h = try await Self.gateway(platforms: platforms, outputs: "good, bad", nginx: nginx)
        defer { h.stop() }

        let failed = try await eventually(timeout: .seconds(30)) {
            try await Self.outputs(h)["bad"]?["state"] as? String == "failed"
        }
        #expect(failed, "log:\n\(h.log)")
        #expect(h.log.contains("output \"bad\": destination refused the stream"), "log:\n\(h.log)")
        let outputs = try await Self.outputs(h)
        let bad = try #require(outputs["bad"])
        let message = bad["lastError"] as? String ?? ""
        #expect(message.contains("output \"bad\"") && message.contains("guarded/***"), "\(message)")
        #expect(bad["errorClass"] as? String == "destination")
        #expect(bad["retries"] as? Int == 0, "\(bad)")
        #expect(!h.log.contains("SECRETBADKEY") && !message.contains("SECRETBADKEY"))

        // The good key streams on; the relay as a whole is fine. By then a retry of the bad
        // key would have reached nginx: it saw exactly the one refused publish.
        let streaming = await eventually(timeout: .seconds(30)) { (nginx.publishedMilliseconds("goodkey") ?? 0) >= 3000 }
        #expect(streaming, "good output not streaming:\n\(nginx.errorLog)")
        #expect(try await Self.outputs(h)["good"]?["state"] as? String == "active")
        let attempts = nginx.errorLog.split(separator: "\n").filter { $0.contains("publish: name='SECRETBADKEY'") }.count
        #expect(attempts == 1, "publish attempts \(attempts):\n\(nginx.errorLog)")
        #expect(nginx.errorLog.contains("notify: publish"), "nginx never asked whether the key may publish")
        #expect(try await Self.outputs(h)["bad"]?["state"] as? String == "failed")
    }

    @Test func anOutputSwitchesToItsBackupAndReturnsToThePrimary() async throws {
        let primary = try await Nginx()
        let backup = try await Nginx()
        let platforms = """
              p:
                type: rtmp
                url: "\(primary.publishURL("live", "{channel}"))"
                backup_url: "\(backup.publishURL("live", "{channel}"))"
                backup_return_after: 4s
                retry: { backoff: 500ms, max_backoff: 1s, give_up_after: 1m }
            """
        // The seller publishes to the backup, which stays up.
        let h = try await Self.gateway(platforms: platforms, outputs: "p", nginx: backup)
        defer { h.stop(); primary.stop() }
        let onPrimary = await eventually(timeout: .seconds(30)) { (primary.publishedMilliseconds("ch") ?? 0) >= 3000 }
        #expect(onPrimary, "log:\n\(h.log)")

        primary.stop()
        let onBackup = await eventually(timeout: .seconds(20)) { (backup.publishedMilliseconds("ch") ?? 0) >= 1000 }
        #expect(onBackup, "did not switch to the backup; log:\n\(h.log)")
        try await primary.start()

        // After 4 s on the backup the output closes it cleanly and publishes to the primary again.
        let returned = await eventually(timeout: .seconds(30)) {
            primary.publishSessions("ch").count >= 2 && (primary.publishedMilliseconds("ch") ?? 0) >= 1000
        }
        #expect(returned, "did not return to the primary; log:\n\(h.log)")
        try backup.waitUntilPublishEnded("ch", timeout: .seconds(30))
        let backupSessions = backup.publishSessions("ch")
        #expect(backupSessions.allSatisfy { $0.clean }, "\(backupSessions)")
        let output = try #require(try await Self.outputs(h)["p"])
        #expect(output["state"] as? String == "active" && (output["retries"] as? Int ?? 0) >= 1, "\(output)")
    }
}
