import Foundation
import Testing
import TestSupport

/// Sink `cloudflare` end to end: the gateway (with PostgreSQL) gives a seller who goes live
/// their own live input at the Cloudflare fake, pushes over RTMPS to the input's ingest
/// (nginx-rtmp behind TLS, a test CA), stores the input's playback URL, counts its viewers,
/// follows its notifications, and deletes (or keeps) it when the relay ends, SIGTERM included.
@Suite(.serialized)
struct CloudflarePlatformTests {
    @Test func aSellerGetsALiveInputThatCarriesTheStreamAndIsDeletedAtTheEnd() async throws {
        let p = try await PlatformStandIns.start()
        let routes = "platforms:\n" + p.cloudflarePlatform("cf") + p.cloudflarePlatform("cfkeep", extra: "    on_end: keep")
            + sellerRoute(outputs: ["cf"])
            + "  keepers:\n    match: \"keep_{channelId}\"\n    source: { type: rtmp }\n    outputs: [cfkeep]\n"
        let h = try await GatewayHarness(routes: routes, database: true, api: true, ingest: true, nginx: p.nginx)
        defer { h.stop() }
        let postgres = try #require(h.postgres)
        let seller = try await h.startSeller("seller_42", clip: try h.clip("clip", seconds: 4))
        defer { seller.signal(SIGKILL) }

        // The create: bearer token, recording automatic, the relay in meta.
        let created = await eventually(timeout: .seconds(30)) { p.cloudflare.liveInputs().count == 1 }
        #expect(created, "no live input created; log:\n\(h.log)")
        let input = try #require(p.cloudflare.liveInputs().first)
        let create = try #require(p.cloudflare.requests().first { $0.method == "POST" && $0.path.hasSuffix("/live_inputs") })
        #expect(create.header("authorization") == "Bearer \(FakeCloudflare.Configuration.writeToken)")
        #expect(create.status == 200)
        let body = try #require(create.json)
        #expect(body.value(at: "meta.relaygate_channel")?.stringValue == "seller_42", "\(body)")
        #expect(body.value(at: "meta.relaygate_route")?.stringValue == "sellers", "\(body)")
        #expect(body.value(at: "meta.relaygate_platform")?.stringValue == "cf", "\(body)")
        #expect(body.value(at: "recording.mode")?.stringValue == "automatic", "\(body)")
        #expect(body.value(at: "recording.timeoutSeconds")?.intValue == 5, "\(body)")

        // The push reached the RTMPS ingest under the input's stream key.
        #expect(await h.hlsFlows(input.streamKey), "no HLS from the live input's ingest; log:\n\(h.log)")
        let segments = p.nginx.segments(input.streamKey).suffix(2).map { "\(p.nginx.prefix.path)/hls/\($0)" }
        let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
        #expect(streams.map(\.codecName).sorted() == ["aac", "h264"], "\(streams)")
        #expect(streams.first { $0.codecType == "video" }.map { $0.width == 640 && $0.height == 360 } == true, "\(streams)")

        // Buyers' URL: the customer domain's manifest of this input, in the API and the channel row.
        let playback = "\(p.cloudflare.customerURL)/\(input.uid)/manifest/video.m3u8"
        let stored = await eventually(timeout: .seconds(20)) {
            (try? postgres.psql("SELECT hls_playback_url FROM channels WHERE id = 42")) == playback
        }
        #expect(stored, "channels.hls_playback_url: \((try? postgres.psql("SELECT hls_playback_url FROM channels WHERE id = 42")) ?? "?")")
        #expect(try await h.api.existingRelay("seller_42")["playbackUrl"] as? String == playback)

        // Notifications (checked secret) and polling show in the output's platform status.
        let webhook = "http://127.0.0.1:\(try #require(h.apiPort))/v1/webhooks/cloudflare"
        #expect(await p.cloudflare.sendNotification(inputID: input.uid, event: .connected, to: webhook, secret: "wrong") == 401)
        p.cloudflare.setNotificationDestination(url: webhook, secret: PlatformStandIns.webhookSecret)
        #expect(await p.cloudflare.setLive(input.uid, true) == 200)
        let connected = await eventually(timeout: .seconds(20)) {
            let platform = await h.output("seller_42", "cf")?["platform"] as? [String: Any]
            return platform?["id"] as? String == input.uid && ["connected", "live"].contains(platform?["state"] as? String ?? "")
        }
        let cfOutput = await h.output("seller_42", "cf")
        #expect(connected, "\(String(describing: cfOutput))")

        // Live viewers: the API and stream_metrics.hls_viewers follow the platform's count.
        p.cloudflare.setLiveViewers(input.uid, 23)
        let counted = await eventually(timeout: .seconds(30)) {
            let api = try? await h.api.relay("seller_42")
            let row = try? postgres.psql("SELECT hls_viewers FROM stream_metrics WHERE channel_id = 42 ORDER BY id DESC LIMIT 1")
            return api?["hlsViewers"] as? Int == 23 && row == "23"
        }
        #expect(counted, "hls_viewers never showed 23")

        // The end: the input is deleted.
        #expect(try await h.api.send("DELETE", "/v1/relays/seller_42").status == 204)
        let deleted = await eventually(timeout: .seconds(30)) { p.cloudflare.liveInput(input.uid) == nil }
        #expect(deleted, "the live input outlived its relay; log:\n\(h.log)")

        // on_end: keep: the input stays (and is no longer the gateway's).
        try await h.api.start("keep_7")
        let second = await eventually(timeout: .seconds(30)) { p.cloudflare.liveInputs().count == 1 }
        let kept = try #require(p.cloudflare.liveInputs().first, "log:\n\(h.log)")
        #expect(second && kept.uid != input.uid)
        #expect(try await h.api.send("DELETE", "/v1/relays/keep_7").status == 204)
        let released = await eventually(timeout: .seconds(30)) { h.log.contains("kept live input \(kept.uid)") }
        #expect(released && p.cloudflare.liveInput(kept.uid) != nil, "log:\n\(h.log)")
        #expect(p.cloudflare.requests().filter { $0.method == "DELETE" }.count == 1)

        // SIGTERM: the gateway deletes the inputs of the relays it ends before it exits.
        try await h.api.start("seller_43")
        let third = await eventually(timeout: .seconds(30)) { p.cloudflare.liveInputs().count == 2 }
        #expect(third, "log:\n\(h.log)")
        #expect(await h.terminate() == 0, "log:\n\(h.log)")
        #expect(p.cloudflare.liveInputs().map(\.uid) == [kept.uid], "left behind: \(p.cloudflare.liveInputs().map(\.uid))")

        #expect(h.leaked(p.secrets()).isEmpty, "secrets in the log: \(h.leaked(p.secrets()).count)")
        await p.shutdown()
    }
}
