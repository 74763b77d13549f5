import Foundation
import Testing
import TestSupport

/// Sink `ivs` end to end: the gateway (with PostgreSQL) gives a seller who goes live their
/// own channel at the IVS fake (moto behind SigV4 checks), pushes over RTMPS to the
/// channel's ingest (nginx-rtmp behind TLS, a test CA, at `/app/<stream key>`), stores its
/// playback URL, reads GetStream's viewers, and stops and deletes the channel at the end.
@Suite(.serialized)
struct IVSPlatformTests {
    @Test func aSellerGetsAChannelThatCarriesTheStreamAndIsDeletedAtTheEnd() async throws {
        let p = try await PlatformStandIns.start()
        let routes = "platforms:\n" + p.ivsPlatform("ivs") + sellerRoute(outputs: ["ivs"])
        let h = try await GatewayHarness(routes: routes, database: true, api: true, ingest: true, nginx: p.nginx)
        defer { h.stop() }
        let postgres = try #require(h.postgres)
        let seller = try await h.startSeller("seller_42", clip: try h.clip("clip", seconds: 4))
        defer { seller.signal(SIGKILL) }

        // CreateChannel, signed (the fake checks every signature), named and tagged for the relay.
        let created = await eventually(timeout: .seconds(30)) { (try? await p.ivs.channelArns().count) == 1 }
        #expect(created, "no channel created; log:\n\(h.log)\nfake:\n\(p.ivs.log)")
        let arn = try #require(try await p.ivs.channelArns().first)
        let create = try #require(try await p.ivs.requests().first { $0.operation == "CreateChannel" })
        #expect(create.status == 200, "\(create)")
        #expect(create.body["name"]?.stringValue == "relaygate-sellers-seller_42", "\(create)")
        #expect(create.body["type"]?.stringValue == "BASIC" && create.body["latencyMode"]?.stringValue == "LOW", "\(create)")
        #expect(create.body.value(at: "tags.relaygate_channel")?.stringValue == "seller_42", "\(create)")
        #expect(create.body.value(at: "tags.relaygate_route")?.stringValue == "sellers", "\(create)")

        // The push reached the RTMPS ingest under the channel's stream key.
        let pushed = await eventually(timeout: .seconds(30)) { p.ivsStreamKeys().count == 1 }
        let key = try #require(p.ivsStreamKeys().first, "nothing published at /app; log:\n\(h.log)")
        let flows = await h.hlsFlows(key)
        #expect(pushed && flows, "no HLS from the channel's ingest; log:\n\(h.log)")
        let segments = p.nginx.segments(key).suffix(2).map { "\(p.nginx.prefix.path)/hls/\($0)" }
        let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
        #expect(streams.map(\.codecName).sorted() == ["aac", "h264"], "\(streams)")

        // Buyers' URL: the channel's playbackUrl, in the API and the channel row.
        let playback = try #require(try await h.api.existingRelay("seller_42")["playbackUrl"] as? String)
        #expect(playback.hasSuffix(".m3u8"), "\(playback)")
        let stored = await eventually(timeout: .seconds(20)) {
            (try? postgres.psql("SELECT hls_playback_url FROM channels WHERE id = 42")) == playback
        }
        #expect(stored)

        // GetStream: offline until the channel broadcasts, then its state and viewers.
        let offline = await eventually(timeout: .seconds(20)) {
            (await h.output("seller_42", "ivs")?["platform"] as? [String: Any])?["state"] as? String == "offline"
        }
        let offlineOutput = await h.output("seller_42", "ivs")
        #expect(offline, "\(String(describing: offlineOutput))")
        try await p.ivs.goLive(channelArn: arn, viewerCount: 31)
        let counted = await eventually(timeout: .seconds(30)) {
            let platform = await h.output("seller_42", "ivs")?["platform"] as? [String: Any]
            let row = try? postgres.psql("SELECT hls_viewers FROM stream_metrics WHERE channel_id = 42 ORDER BY id DESC LIMIT 1")
            return platform?["state"] as? String == "live" && platform?["viewers"] as? Int == 31 && platform?["id"] as? String == arn
                && row == "31"
        }
        let liveOutput = await h.output("seller_42", "ivs")
        #expect(counted, "\(String(describing: liveOutput))")
        // IVS could not count (-1): the last count stays, never -1.
        try await p.ivs.setViewerCount(-1, channelArn: arn)
        try await Task.sleep(for: .seconds(3))
        #expect((await h.output("seller_42", "ivs")?["platform"] as? [String: Any])?["viewers"] as? Int == 31)

        // The end: StopStream, then DeleteChannel.
        #expect(try await h.api.send("DELETE", "/v1/relays/seller_42").status == 204)
        let deleted = await eventually(timeout: .seconds(30)) { (try? await p.ivs.channelArns().isEmpty) == true }
        #expect(deleted, "the channel outlived its relay; log:\n\(h.log)")
        let operations = try await p.ivs.requests().map(\.operation)
        let stop = try #require(operations.lastIndex(of: "StopStream"), "\(operations)")
        let delete = try #require(operations.lastIndex(of: "DeleteChannel"), "\(operations)")
        #expect(stop < delete, "\(operations)")

        #expect(h.leaked(p.secrets()).isEmpty, "secrets in the log: \(h.leaked(p.secrets()).count)")
        await p.shutdown()
    }
}
