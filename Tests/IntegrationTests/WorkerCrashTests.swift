import Foundation
import Testing
import TestSupport

/// Fault injection on a real gateway: a relay's worker is SIGKILLed mid-stream. The viewer
/// sees the output come back at once (restart 1 is immediate); repeated kills back off, a
/// crash loop ends the relay `failed` and the channel falls back to Agora only.
@Suite(.serialized)
struct WorkerCrashTests {
    /// `seller_1` (route `flaky`, crash loop at 5 failures in 1m, backoff from 500 ms) and
    /// `steady_2` (route `steady`), both static. `flaky` reads the in-process test source
    /// through a small H.264 profile, so each new worker publishes without waiting for a
    /// live input's keyframe and the five kills go quickly. `steady` pulls the 320x240
    /// publisher through passthrough. (A pulled seller's restart has its own test below.)
    static func routes(_ nginx: Nginx) -> String {
        """
        profiles:
          tiny:
            type: h264
            video: { width: 320, height: 240, fps: 25, bitrate: 300k, gop: 1s, preset: ultrafast }
        routes:
          flaky:
            match: "seller_{channelId}"
            channel: seller_1
            source: { type: testsrc, width: 320, height: 240, fps: 25, channels: 1 }
            profile: tiny
            outputs: [nginx]
            restart: { backoff: 500ms..60s, give_up_after: 5 in 1m, stable_after: 30s }
          steady:
            match: "steady_{channelId}"
            channel: steady_2
            source: { type: pull, url: "\(nginx.publishURL("src", "cam"))" }
            outputs: [nginx]

        """
    }

    /// SIGKILLs `victim` (the worker of `channel`) and waits for what a viewer and an
    /// operator see: a new worker, a new publish at nginx, HLS that keeps coming. How fast
    /// that happens is measured in bench/respawn.sh, not here.
    static func killAndExpectRepublish(_ victim: Int32, _ channel: String, _ h: GatewayHarness) async throws {
        let sessions = h.nginx.publishSessions(channel).count
        kill(victim, SIGKILL)
        let respawned = await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
            h.worker(channel).map { $0 != victim } == true
        }
        try #require(respawned, "no new worker for \(channel); log:\n\(h.log)")
        let republished = await eventually(timeout: .seconds(30), every: .milliseconds(20)) {
            h.nginx.publishSessions(channel).count > sessions
        }
        try #require(republished, "\(channel) not published again; log:\n\(h.log)")
        // HLS keeps coming (nginx starts a new segment sequence for the new session).
        #expect(await h.hlsKeepsComing(channel, count: 3), "no new HLS segments for \(channel) after the restart")
    }

    @Test func killedWorkerRepublishesAtOnceThenBacksOffAndGivesUp() async throws {
        let nginx = try await Nginx()
        let h = try await GatewayHarness(routes: Self.routes(nginx), sellers: [.cam], database: true, api: true, nginx: nginx)
        defer { h.stop() }
        let postgres = try #require(h.postgres)
        let up = await eventually(timeout: .seconds(30)) {
            nginx.segments("seller_1").count >= 2 && nginx.segments("steady_2").count >= 2 && h.worker("seller_1") != nil
        }
        try #require(up, "relays did not start; log:\n\(h.log)")
        let steadySessions = nginx.publishSessions("steady_2").count

        // Kill 1: a new worker publishes again, and restart 1 was scheduled at once (its
        // delay, 0.0 s, is in relay_events below).
        var victim = try #require(h.worker("seller_1"))
        var sessionsAtKill = nginx.publishSessions("seller_1").count
        try await Self.killAndExpectRepublish(victim, "seller_1", h)
        let playlist = (try? String(contentsOfFile: nginx.playlistPath("seller_1"), encoding: .utf8)) ?? ""
        // nginx marks the first segment of a stream too; only the ones after it are breaks.
        let afterFirst = playlist.components(separatedBy: ".ts").dropFirst().joined()
        #expect(afterFirst.components(separatedBy: "#EXT-X-DISCONTINUITY").count - 1 <= 1, "\(playlist)")

        // Kills 2 to 5, each as soon as the new worker publishes: the pauses grow, then it gives up.
        for attempt in 2...5 {
            let next = await eventually(timeout: .seconds(30), every: .milliseconds(50)) {
                nginx.publishSessions("seller_1").count > sessionsAtKill && h.worker("seller_1").map { $0 != victim } == true
            }
            try #require(next, "kill \(attempt): no new worker published; log:\n\(h.log)")
            victim = try #require(h.worker("seller_1"))
            sessionsAtKill = nginx.publishSessions("seller_1").count
            kill(victim, SIGKILL)
        }
        let failed = try await eventually(timeout: .seconds(30)) {
            try await h.api.relay("seller_1")?["state"] as? String == "failed"
        }
        let view = try #require(try await h.api.relay("seller_1"))
        #expect(failed, "\(view); log:\n\(h.log)")
        #expect((view["lastError"] as? String ?? "").contains("crash loop: 5 failures in 1m"), "\(view)")
        #expect(h.worker("seller_1") == nil, "a failed relay keeps no worker")

        let recorded = await eventually(timeout: .seconds(20)) {
            (try? channelStatus(postgres, id: 1)) == "error|NULL|agora-only"
        }
        #expect(recorded, "channels row: \((try? channelStatus(postgres, id: 1)) ?? "none")")
        let reasons = try postgres.psql(
            "SELECT string_agg(reason, ';' ORDER BY id) FROM relay_events WHERE channel = 'seller_1' "
                + "AND event = 'transition' AND reason LIKE 'restart %'")
        // "restart 1 in 0.0 s;restart 2 in 0.5 s;restart 3 in 1.0 s;restart 4 in 2.1 s" (±20 % jitter).
        let delays = reasons.split(separator: ";").compactMap { Double($0.split(separator: " ")[3]) }
        #expect(delays.count == 4 && delays[0] == 0 && zip(delays, delays.dropFirst()).allSatisfy { $0 < $1 }, "\(reasons)")
        let failure = try postgres.psql("SELECT reason FROM relay_events WHERE channel = 'seller_1' AND event = 'failed'")
        #expect(failure.hasPrefix("crash loop: 5 failures in 1m; last: worker"), "\(failure)")

        // The other relay never noticed.
        #expect(nginx.publishSessions("steady_2").count == steadySessions)
        #expect(try channelStatus(postgres, id: 2).hasPrefix("active|"))

        // Asking for the failed relay again starts it afresh; it stays a static relay.
        let sessionsWhenFailed = nginx.publishSessions("seller_1").count
        try await h.api.start("seller_1", sellerUid: "uid-1")
        let back = await eventually(timeout: .seconds(30)) {
            nginx.publishSessions("seller_1").count > sessionsWhenFailed
                && (try? channelStatus(postgres, id: 1))?.hasPrefix("active|") == true
        }
        #expect(back, "log:\n\(h.log)")
        #expect(try await h.api.relay("seller_1")?["origin"] as? String == "config")
    }

    /// The seller's own stream pulled from nginx (the usual case): the new worker opens the
    /// live input again and publishes; the relay counts the restart.
    @Test func killedWorkerOfAPulledSellerRepublishes() async throws {
        let nginx = try await Nginx()
        let h = try await GatewayHarness(
            routes: "routes:\n" + pullRoute("seller", source: "cam", channel: "out", nginx: nginx), sellers: [.cam], api: true,
            nginx: nginx)
        defer { h.stop() }
        let up = await eventually(timeout: .seconds(30)) { nginx.segments("out").count >= 2 && h.worker("out") != nil }
        try #require(up, "log:\n\(h.log)")

        try await Self.killAndExpectRepublish(try #require(h.worker("out")), "out", h)
        let relay = try #require(try await h.api.relay("out"))
        #expect(relay["restarts"] as? Int == 1, "\(relay)")
        #expect(h.log.contains("relay worker died unexpectedly (killed by signal 9)"), "\(h.log)")
    }
}
