import Foundation
import Testing
import TestSupport

/// Platform outputs when things go wrong: refused credentials, throttling and 5xx, a gateway
/// killed with resources live, one destination of three dying, and a reload beside them.
@Suite(.serialized)
struct PlatformFaultTests {
    /// 403 fails that output at once naming the setting; throttling and 503 are retried with
    /// backoff (each retry a relay event) until they pass; the other outputs never notice.
    @Test func refusedCredentialsFailOneOutputAndPassingErrorsAreRetried() async throws {
        let p = try await PlatformStandIns.start()
        // cfdown's API does not answer at all: retried for 20 s, then that output fails.
        let down = "http://127.0.0.1:\(FreePort.next())/client/v4"
        let routes = "platforms:\n" + p.cloudflarePlatform("cfdenied", token: FakeCloudflare.Configuration.noStreamToken)
            + p.cloudflarePlatform("cfdown", extra: "    api_url: \"\(down)\"\n    api_give_up_after: 20s").replacingOccurrences(
                of: "    api_url: \"\(p.cloudflare.apiURL)\"\n", with: "")
            + p.cloudflarePlatform("cf") + p.ivsPlatform("ivs") + sellerRoute(outputs: ["cfdenied", "cfdown", "ivs", "nginx"])
            + "  others:\n    match: \"other_{channelId}\"\n    source: { type: rtmp }\n    outputs: [cf]\n"
        let h = try await GatewayHarness(routes: routes, database: true, api: true, ingest: true, nginx: p.nginx)
        defer { h.stop() }
        let postgres = try #require(h.postgres)
        try await p.ivs.failNext("CreateChannel", times: 2, with: "ThrottlingException")
        let seller = try await h.startSeller("seller_42", clip: try h.clip("clip", seconds: 4))
        defer { seller.signal(SIGKILL) }

        let refused = await eventually(timeout: .seconds(30)) {
            await h.output("seller_42", "cfdenied")?["state"] as? String == "failed"
        }
        let denied = await h.output("seller_42", "cfdenied")
        #expect(refused, "\(String(describing: denied)); log:\n\(h.log)")
        let message = denied?["lastError"] as? String ?? ""
        #expect(message.contains("api_token") && message.contains("403"), "\(message)")
        #expect((denied?["platform"] as? [String: Any])?["state"] as? String == "failed")

        // Throttled twice, then created: the push goes on, and the retries are in the history.
        let pushed = await eventually(timeout: .seconds(60)) { p.ivsStreamKeys().count == 1 }
        #expect(pushed, "log:\n\(h.log)")
        if let key = p.ivsStreamKeys().first { #expect(await h.hlsFlows(key)) }
        let retried = try postgres.psql(
            "SELECT count(*) FROM relay_events WHERE channel = 'seller_42' AND reason = 'platform call retried'")
        #expect(retried == "2", "relay_events retries: \(retried)")
        let operations = try await p.ivs.requests().filter { $0.operation == "CreateChannel" }.map(\.status)
        #expect(operations == [429, 429, 200] || operations.count == 3, "\(operations)")

        // A platform that does not answer delays no other output: the relay is live while
        // cfdown still waits for its input, which it then gives up on, saying why.
        let waiting = (await h.output("seller_42", "cfdown")?["platform"] as? [String: Any])?["state"] as? String
        #expect(waiting == "creating", "\(String(describing: waiting))")
        let gaveUp = await eventually(timeout: .seconds(60)) {
            await h.output("seller_42", "cfdown")?["state"] as? String == "failed"
        }
        let downOutput = await h.output("seller_42", "cfdown")
        #expect(gaveUp && (downOutput?["lastError"] as? String ?? "").contains("no answer"), "\(String(describing: downOutput))")

        // The rtmp output never noticed: one session, HLS flowing.
        #expect(await h.hlsKeepsComing("seller_42"), "log:\n\(h.log)")
        #expect(p.nginx.publishSessions("seller_42").count == 1)
        #expect(try await h.api.existingRelay("seller_42")["state"] as? String == "active")

        // Cloudflare's 503 twice on create, then the input: retried, recorded.
        p.cloudflare.failNext(2, with: .serverError(503), on: .create)
        try await h.api.start("other_43")
        let created = await eventually(timeout: .seconds(60)) {
            p.cloudflare.liveInputs().contains { $0.meta["relaygate_channel"]?.stringValue == "other_43" }
        }
        #expect(created, "log:\n\(h.log)")
        let cloudflareRetries = try postgres.psql(
            "SELECT count(*) FROM relay_events WHERE channel = 'other_43' AND reason = 'platform call retried'")
        #expect(cloudflareRetries == "2", "\(cloudflareRetries)")

        #expect(h.leaked(p.secrets()).isEmpty, "secrets in the log: \(h.leaked(p.secrets()).count)")
        await p.shutdown()
    }

    /// SIGKILL with a live input and a channel up: the next gateway adopts both (no second
    /// create), and deletes those of a relay that no longer exists (its route was removed
    /// while the gateway was down).
    @Test func aKilledGatewayAdoptsItsResourcesAndDeletesOrphans() async throws {
        let p = try await PlatformStandIns.start()
        let platforms = "platforms:\n" + p.cloudflarePlatform("cf") + p.ivsPlatform("ivs")
        let others = "  others:\n    match: \"other_{channelId}\"\n    source: { type: rtmp }\n    outputs: [cf, ivs]\n"
        let h = try await GatewayHarness(
            routes: platforms + sellerRoute(outputs: ["cf", "ivs"], reconnectWindow: "30s") + others, database: true, api: true,
            ingest: true, nginx: p.nginx)
        defer { h.stop() }
        let clip = try h.clip("clip", seconds: 4)
        let seller = try await h.startSeller("seller_42", clip: clip)
        defer { seller.signal(SIGKILL) }
        try await h.api.start("other_43")
        let made = await eventually(timeout: .seconds(30)) {
            let channels = try? await p.ivs.channelArns()
            return p.cloudflare.liveInputs().count == 2 && channels?.count == 2
        }
        #expect(made, "log:\n\(h.log)")
        let input = try #require(p.cloudflare.liveInputs().first { $0.meta["relaygate_channel"]?.stringValue == "seller_42" })
        #expect(await h.hlsFlows(input.streamKey))
        let channels = try await p.ivs.channelArns()
        var logs = h.log

        h.kill()
        seller.signal(SIGKILL)
        try h.writeRoutes(platforms + sellerRoute(outputs: ["cf", "ivs"], reconnectWindow: "30s"))
        try await h.startAnother()
        let again = try h.push(clip, to: try await h.ingestURL("seller_42"), loop: true, name: "again")
        defer { again.signal(SIGKILL) }

        // other_43's input and channel go; seller_42's stay, adopted, and carry the stream again.
        let swept = await eventually(timeout: .seconds(60)) {
            let channels = try? await p.ivs.channelArns()
            return p.cloudflare.liveInputs().map(\.uid) == [input.uid] && channels?.count == 1
        }
        #expect(swept, "inputs \(p.cloudflare.liveInputs().map(\.uid)); log:\n\(h.log)")
        #expect(p.cloudflare.requests().filter { $0.method == "POST" }.count == 2, "a second create")
        let creates = try await p.ivs.requests().filter { $0.operation == "CreateChannel" }.count
        #expect(creates == 2, "CreateChannel \(creates) times")
        let kept = try await p.ivs.channelArns()
        #expect(kept.count == 1 && kept.isSubset(of: channels))
        let adopted = await eventually(timeout: .seconds(20)) {
            (await h.output("seller_42", "ivs")?["platform"] as? [String: Any])?["id"] as? String == kept.first
        }
        let platform = await h.output("seller_42", "ivs")?["platform"] as? [String: Any]
        #expect(adopted, "\(String(describing: platform))")
        #expect(await h.hlsKeepsComing(input.streamKey), "the adopted input gets no stream; log:\n\(h.log)")

        logs += h.log
        let leaked = p.secrets().filter { logs.contains($0) }
        #expect(leaked.isEmpty, "secrets in the logs: \(leaked.count)")
        await p.shutdown()
    }
}
