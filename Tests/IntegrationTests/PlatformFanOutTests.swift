import Foundation
import Testing
import TestSupport

/// One relay, three platforms (cloudflare, ivs, a plain rtmp nginx), encoded once: one
/// destination dying leaves the other two in their one session with HLS coming; a reload
/// that adds an `hls` output touches none of the three, and one that removes the ivs output
/// deletes its channel and touches no other.
@Suite(.serialized)
struct PlatformFanOutTests {
    @Test func oneDestinationDyingAndAReloadAddingAnOutputLeaveTheOthersAlone() async throws {
        let p = try await PlatformStandIns.start(separateIVSIngest: true)
        let preview = try TempDirectory("preview")
        let platforms = "platforms:\n" + p.cloudflarePlatform("cf") + p.ivsPlatform("ivs")
        let h = try await GatewayHarness(
            routes: platforms + sellerRoute(outputs: ["cf", "ivs", "nginx"]), database: true, api: true, ingest: true,
            nginx: p.nginx)
        defer { h.stop() }
        let seller = try await h.startSeller("seller_42", clip: try h.clip("clip", seconds: 4))
        defer { seller.signal(SIGKILL) }

        let created = await eventually(timeout: .seconds(30)) { p.cloudflare.liveInputs().count == 1 && p.ivsStreamKeys().count == 1 }
        #expect(created, "log:\n\(h.log)")
        let cfKey = try #require(p.cloudflare.liveInputs().first?.streamKey)
        let ivsKey = try #require(p.ivsStreamKeys().first)
        let cfFlows = await h.hlsFlows(cfKey)
        let nginxFlows = await h.hlsFlows("seller_42")
        #expect(cfFlows && nginxFlows, "log:\n\(h.log)")

        // IVS's ingest dies: its output retries; the other two go on in their one session.
        p.ivsNginx.stop()
        let retrying = await eventually(timeout: .seconds(30)) {
            await h.output("seller_42", "ivs")?["state"] as? String == "retrying"
        }
        let ivsOutput = await h.output("seller_42", "ivs")
        #expect(retrying, "\(String(describing: ivsOutput))")
        let cfGoesOn = await h.hlsKeepsComing(cfKey, count: 3)
        let nginxGoesOn = await h.hlsKeepsComing("seller_42", count: 3)
        #expect(cfGoesOn && nginxGoesOn)
        #expect(p.nginx.publishSessions(cfKey).count == 1 && p.nginx.publishSessions("seller_42").count == 1)
        #expect(!p.ivsNginx.segments(ivsKey).isEmpty, "the ivs output never streamed before its ingest died")

        // A reload adds an hls output: it starts; nothing else is touched (no new session,
        // no new live input or channel).
        try h.writeRoutes(
            platforms + "  preview:\n    type: hls\n    directory: \(preview.path)/{channel}\n"
                + sellerRoute(outputs: ["cf", "ivs", "nginx", "preview"]))
        h.signal(SIGHUP)
        let previewing = await eventually(timeout: .seconds(30)) {
            FileManager.default.fileExists(atPath: "\(preview.path)/seller_42/index.m3u8")
        }
        #expect(previewing, "log:\n\(h.log)")
        let cfAfterReload = await h.hlsKeepsComing(cfKey)
        let nginxAfterReload = await h.hlsKeepsComing("seller_42")
        #expect(cfAfterReload && nginxAfterReload)
        #expect(p.nginx.publishSessions(cfKey).count == 1 && p.nginx.publishSessions("seller_42").count == 1, "log:\n\(h.log)")
        #expect(p.cloudflare.requests().filter { $0.method == "POST" }.count == 1)
        #expect(try await p.ivs.requests().filter { $0.operation == "CreateChannel" }.count == 1)
        let streams = try FFprobe.streams("\(preview.path)/seller_42/index.m3u8")
        #expect(streams.map(\.codecName).sorted() == ["aac", "h264"], "\(streams)")

        // A reload removes the ivs output: its channel is deleted, the others go on untouched.
        try h.writeRoutes(
            platforms + "  preview:\n    type: hls\n    directory: \(preview.path)/{channel}\n"
                + sellerRoute(outputs: ["cf", "nginx", "preview"]))
        h.signal(SIGHUP)
        let released = await eventually(timeout: .seconds(60)) { (try? await p.ivs.channelArns().isEmpty) == true }
        #expect(released, "the removed output's channel is still there; log:\n\(h.log)")
        let cfAfterRemoval = await h.hlsKeepsComing(cfKey)
        #expect(cfAfterRemoval && p.nginx.publishSessions(cfKey).count == 1 && p.nginx.publishSessions("seller_42").count == 1)
        let outputs = (try await h.api.existingRelay("seller_42")["outputs"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(outputs?.sorted() == ["cf", "nginx", "preview"], "\(String(describing: outputs))")

        #expect(h.leaked(p.secrets()).isEmpty)
        await p.shutdown()
    }
}
