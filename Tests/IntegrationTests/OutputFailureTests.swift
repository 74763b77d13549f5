import Foundation
import Testing
import TestSupport

/// Fault injection on one output of a relay with two, as a viewer (nginx's HLS) and an
/// operator (the API, the log) see it: the broken destination retries or fails on its own,
/// the other one never notices.
@Suite(.serialized)
struct OutputFailureTests {
    static let readToken = "read-token-0123456789"

    /// A gateway running one pull route from `source` to platforms `platforms` (YAML), with
    /// the API on for a read token; returns once the API listens, with its OpenAPI document.
    static func gateway(
        source: String, platforms: String, outputs: String, nginx: Nginx
    ) async throws -> (Gateway, HTTPClient, OpenAPIValidator) {
        let apiPort = FreePort.next()
        let settings = """
            stats_interval: 2s
            restart_delay: 500ms
            api:
              listen: 127.0.0.1:\(apiPort)
              tokens:
                - { token: "\(readToken)", scope: read }

            """
        let routes = """
            platforms:
            \(platforms)
            routes:
              r:
                channel: ch
                source:
                  type: pull
                  url: "\(source)"
                profile: passthrough
                outputs: [\(outputs)]

            """
        let gateway = try Gateway(nginx: nginx, routes: routes, settings: settings)
        let http = HTTPClient(baseURL: "http://127.0.0.1:\(apiPort)")
        let listening = await eventually(timeout: .seconds(10)) { FreePort.isListening(apiPort) }
        guard listening else {
            gateway.child.signal(SIGKILL)
            throw TestFailure("API not listening; log:\n\(gateway.log)")
        }
        do {
            let document = try await http.send("GET", "/openapi.json", body: nil, contentType: nil)
            return (gateway, http, try OpenAPIValidator(json: document.body))
        } catch {
            gateway.child.signal(SIGKILL)
            throw error
        }
    }

    /// The relay's outputs by name, as `GET /v1/relays/ch` shows them, checked against the
    /// OpenAPI document.
    static func outputs(_ http: HTTPClient, _ openAPI: OpenAPIValidator) async throws -> [String: [String: Any]] {
        let reply = try await http.send("GET", "/v1/relays/ch", token: readToken, body: nil, contentType: nil)
        let problems = openAPI.problems("GET", "/v1/relays/{channelId}", reply)
        #expect(problems.isEmpty, "\(problems)")
        let outputs = ((reply.json as? [String: Any])?["outputs"] as? [[String: Any]]) ?? []
        return Dictionary(outputs.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// An ffmpeg "seller" publishing `src/cam` to `nginx`, given a second to get going.
    static func seller(on nginx: Nginx) async throws -> (ChildProcess, TempDirectory) {
        let logs = try TempDirectory("logs")
        let publisher = try FFmpeg.publish(
            to: nginx.publishURL("src", "cam"), width: 320, height: 240, fps: 25, logDirectory: logs.path, name: "pub")
        try await Task.sleep(for: .seconds(1))
        return (publisher, logs)
    }

    @Test func aDestinationDownFor15sIsReconnectedAndTheOtherOutputSeesNoGap() async throws {
        let nginxA = try await Nginx()
        let nginxB = try await Nginx()
        // The seller publishes to the nginx that stays up.
        let (publisher, logs) = try await Self.seller(on: nginxB)
        defer { publisher.signal(SIGKILL); _ = logs }
        let platforms = """
              a:
                type: rtmp
                url: "\(nginxA.publishURL("live", "{channel}"))"
                retry: { backoff: 500ms, max_backoff: 2s, give_up_after: 1m }
              b:
                type: rtmp
                url: "\(nginxB.publishURL("live", "{channel}"))"
            """
        let (gateway, http, openAPI) = try await Self.gateway(
            source: nginxB.publishURL("src", "cam"), platforms: platforms, outputs: "a, b", nginx: nginxA)
        defer { gateway.child.signal(SIGKILL) }

        // Long enough that A's session counts as working (`SinkRunner.workingSession`).
        let up = await eventually(timeout: .seconds(20)) { nginxA.segments("ch").count >= 4 && nginxB.segments("ch").count >= 4 }
        #expect(up, "no HLS from the relay; log:\n\(gateway.log)")

        nginxA.stop()
        let retrying = try await eventually(timeout: .seconds(5)) {
            try await Self.outputs(http, openAPI)["a"]?["state"] as? String == "retrying"
        }
        #expect(retrying, "output a not retrying; log:\n\(gateway.log)")
        let duringOutage = try await Self.outputs(http, openAPI)
        #expect(duringOutage["b"]?["state"] as? String == "active")
        #expect((duringOutage["a"]?["errorClass"] as? String) == "destination", "\(duringOutage)")
        #expect(duringOutage["a"]?["connectedSince"] == nil)
        try await Task.sleep(for: .seconds(15))
        let segmentsBefore = nginxA.segments("ch").count
        try await nginxA.start()

        // A publishes again by itself and nginx makes HLS from it.
        let back = await eventually(timeout: .seconds(10)) { (nginxA.publishedMilliseconds("ch") ?? 0) >= 3000 }
        #expect(back, "output a did not come back; log:\n\(gateway.log)\n\(nginxA.errorLog)")
        #expect(nginxA.segments("ch").count >= segmentsBefore + 2, "no new HLS at nginx A")
        let after = try await Self.outputs(http, openAPI)
        let a = try #require(after["a"])
        #expect(a["state"] as? String == "active", "\(a)")
        #expect((a["retries"] as? Int ?? 0) >= 1, "\(a)")
        #expect(a["lastRetryAt"] is String && a["connectedSince"] is String, "\(a)")
        #expect(after["b"]?["retries"] as? Int == 0)
        #expect(gateway.log.contains("output[a]=active"), "stats line")

        // B kept its one session; its HLS has no hole (0.04 s frames; 0.5 s would be a gap).
        gateway.child.signal(SIGTERM)
        _ = await gateway.child.wait(timeout: .seconds(20))
        let recording = try await nginxB.recording("ch")
        #expect(nginxB.publishSessions("ch").count == 1, "\(nginxB.publishSessions("ch"))")
        let times = try FFprobe.packets(recording, kind: "video").map(\.time).sorted()
        let gap = zip(times, times.dropFirst()).map { $1 - $0 }.max() ?? 99
        #expect(times.count > 25 * 20 && gap < 0.5, "video packets \(times.count), largest gap \(gap) s")
    }

    @Test func aRefusedStreamKeyFailsFastWithTheKeyMasked() async throws {
        let nginx = try await Nginx.guarded(allowing: "goodkey")
        let (publisher, logs) = try await Self.seller(on: nginx)
        defer { publisher.signal(SIGKILL); _ = logs }
        let platforms = """
              good:
                type: rtmp
                url: "\(nginx.publishURL("guarded", "goodkey"))"
              bad:
                type: rtmp
                url: "\(nginx.publishURL("guarded", "SECRETBADKEY"))"
            """
        let (gateway, http, openAPI) = try await Self.gateway(
            source: nginx.publishURL("src", "cam"), platforms: platforms, outputs: "good, bad", nginx: nginx)
        defer { gateway.child.signal(SIGKILL) }

        // From the bad output's first connection attempt to its failure.
        let connecting = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            gateway.log.split(separator: "\n").contains { $0.contains("output connecting") && $0.contains("output=bad") }
        }
        #expect(connecting, "log:\n\(gateway.log)")
        let firstAttempt = ContinuousClock.now
        let failed = await eventually(timeout: .seconds(8), every: .milliseconds(50)) {
            gateway.log.contains("output \"bad\": destination refused the stream")
        }
        let took = ContinuousClock.now - firstAttempt
        #expect(failed && took < .seconds(5), "failed: \(failed) after \(took); log:\n\(gateway.log)")
        let attempts = nginx.errorLog.split(separator: "\n").filter { $0.contains("publish: name='SECRETBADKEY'") }.count
        #expect((1...2).contains(attempts), "publish attempts \(attempts):\n\(nginx.errorLog)")

        let settled = try await eventually(timeout: .seconds(5)) {
            try await Self.outputs(http, openAPI)["bad"]?["state"] as? String == "failed"
        }
        #expect(settled)
        let outputs = try await Self.outputs(http, openAPI)
        let bad = try #require(outputs["bad"])
        let message = bad["lastError"] as? String ?? ""
        #expect(message.contains("output \"bad\"") && message.contains("guarded/***"), "\(message)")
        #expect(bad["errorClass"] as? String == "destination")
        #expect((bad["retries"] as? Int ?? 0) <= 1)
        #expect(!gateway.log.contains("SECRETBADKEY") && !message.contains("SECRETBADKEY"))

        // The good key streams on; the relay as a whole is fine.
        let streaming = await eventually(timeout: .seconds(10)) { (nginx.publishedMilliseconds("goodkey") ?? 0) >= 3000 }
        #expect(streaming, "good output not streaming:\n\(nginx.errorLog)")
        #expect(outputs["good"]?["state"] as? String == "active")
    }

    @Test func anOutputSwitchesToItsBackupAndReturnsToThePrimary() async throws {
        let primary = try await Nginx()
        let backup = try await Nginx()
        let (publisher, logs) = try await Self.seller(on: backup)
        defer { publisher.signal(SIGKILL); _ = logs }
        let platforms = """
              p:
                type: rtmp
                url: "\(primary.publishURL("live", "{channel}"))"
                backup_url: "\(backup.publishURL("live", "{channel}"))"
                backup_return_after: 4s
                retry: { backoff: 500ms, max_backoff: 1s, give_up_after: 1m }
            """
        let (gateway, http, openAPI) = try await Self.gateway(
            source: backup.publishURL("src", "cam"), platforms: platforms, outputs: "p", nginx: primary)
        defer { gateway.child.signal(SIGKILL) }
        let onPrimary = await eventually(timeout: .seconds(20)) { (primary.publishedMilliseconds("ch") ?? 0) >= 3000 }
        #expect(onPrimary, "log:\n\(gateway.log)")

        primary.stop()
        let onBackup = await eventually(timeout: .seconds(5)) { (backup.publishedMilliseconds("ch") ?? 0) >= 1000 }
        #expect(onBackup, "did not switch to the backup; log:\n\(gateway.log)")
        try await primary.start()

        // After 4 s on the backup the output closes it cleanly and publishes to the primary again.
        let returned = await eventually(timeout: .seconds(12)) {
            primary.publishSessions("ch").count >= 2 && (primary.publishedMilliseconds("ch") ?? 0) >= 1000
        }
        #expect(returned, "did not return to the primary; log:\n\(gateway.log)")
        try backup.waitUntilPublishEnded("ch")
        let backupSessions = backup.publishSessions("ch")
        #expect(backupSessions.allSatisfy { $0.clean }, "\(backupSessions)")
        let output = try #require(try await Self.outputs(http, openAPI)["p"])
        #expect(output["state"] as? String == "active" && (output["retries"] as? Int ?? 0) >= 1, "\(output)")
    }
}
