import Foundation
import Testing
import TestSupport

/// Agora while it moves: sellers who publish VP8, turn broadcaster, leave and come back;
/// converters Agora destroys, credentials it refuses, and a gateway told to stop. Agora is
/// the fake (held to the reference); the gateway, nginx-rtmp and PostgreSQL are real.
@Suite(.serialized)
struct AgoraLifecycleTests {
    /// VP8 cannot be forwarded raw: the converter transcodes to a one-user canvas, and what
    /// reaches nginx is H.264 at that canvas.
    @Test func aVP8SellerIsTranscodedAndPlays() async throws {
        let harness = try await GatewayHarness.agora(AgoraSetup(source: "idle_timeout: 10s, seller_codec: vp8"), database: false)
        defer { harness.stop() }
        await harness.cloud.sellerJoins(channel: "seller_21", uid: 2121)
        try await harness.expectPlayableHLS("seller_21")

        let create = try #require(harness.creates.first)
        #expect(create.status == 200 && harness.creates.count == 1, "\(harness.creates.map(\.status))")
        let body = try #require(create.json?["converter"] as? [String: Any], "\(create)")
        #expect(body["rawOptions"] == nil, "\(body)")
        let options = try #require(body["transcodeOptions"] as? [String: Any], "\(body)")
        let video = try #require(options["videoOptions"] as? [String: Any])
        let canvas = try #require(video["canvas"] as? [String: Any])
        // A passthrough route has no size of its own: Agora's recommended 720p pair.
        #expect(canvas["width"] as? Int == 1280 && canvas["height"] as? Int == 720, "\(canvas)")
        let layout = try #require(video["layout"] as? [[String: Any]])
        #expect(layout.map { $0["rtcStreamUid"] as? Int } == [2121], "\(layout)")
        let audio = try #require(options["audioOptions"] as? [String: Any])
        #expect(audio["rtcStreamUids"] as? [Int] == [2121], "\(audio)")
        #expect(await harness.upstream("seller_21")?["mode"] as? String == "transcode")

        let segments = harness.nginx.segments("seller_21").dropLast().suffix(2).map { "\(harness.nginx.prefix.path)/hls/\($0)" }
        let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
        let picture = try #require(streams.first { $0.codecType == "video" }, "\(streams)")
        #expect(picture.codecName == "h264" && picture.width == 1280 && picture.height == 720, "\(picture)")
    }

    /// An audience member who turns broadcaster (NCS 111) goes live; joining as audience
    /// (105) started nothing.
    @Test func aRoleChangeToBroadcasterStartsARelay() async throws {
        let harness = try await GatewayHarness.agora(database: false)
        defer { harness.stop() }
        let audienceJoin = harness.cloud.rtcEvent(105, channel: "seller_22", uid: 2222)
        #expect(await harness.cloud.deliver(audienceJoin) == [200])
        #expect(try await harness.api.relay("seller_22") == nil)

        await harness.cloud.sellerJoins(channel: "seller_22", uid: 2222, sendEvent: false)
        #expect(await harness.cloud.deliver(harness.cloud.rtcEvent(111, channel: "seller_22", uid: 2222)) == [200])
        try await harness.expectPlayableHLS("seller_22")
        let relay = try #require(try await harness.api.relay("seller_22"))
        #expect(relay["sellerUid"] as? String == "2222", "\(relay)")
        #expect(harness.creates.count == 1, "\(harness.creates.map(\.status))")
        let body = harness.creates.first?.json?["converter"] as? [String: Any]
        let raw = body?["rawOptions"] as? [String: Any]
        #expect(raw?["rtcStreamUid"] as? Int == 2222, "\(body ?? [:])")
    }

    /// A seller who drops out and returns within the reconnect window: the converter pushes
    /// again into the same relay, and nginx sees one publish session throughout.
    @Test func aSellerWhoReturnsWithinTheWindowKeepsOneOutputSession() async throws {
        // Long enough never to run out on a loaded machine; the test does not wait for it.
        let harness = try await GatewayHarness.agora(AgoraSetup(source: "idle_timeout: 60s", reconnectWindow: "60s"), database: false)
        defer { harness.stop() }
        await harness.cloud.sellerJoins(channel: "seller_23", uid: 2323)
        try await harness.expectPlayableHLS("seller_23")
        let before = try #require(try await harness.api.relay("seller_23"))
        let converter = try #require(harness.cloud.converters().first)

        await harness.cloud.sellerLeaves(channel: "seller_23", uid: 2323)
        // The gap is real: the converter stopped pushing and the ingest lost its publisher.
        let gap = await eventually(timeout: .seconds(20)) { await harness.ingestState("seller_23") == "waiting" }
        #expect(gap, "the publisher never left; log:\n\(harness.log.suffix(3000))")

        await harness.cloud.sellerJoins(channel: "seller_23", uid: 2323)
        let back = await eventually(timeout: .seconds(30)) { await harness.ingestState("seller_23") == "publishing" }
        #expect(back, "the converter did not push again; log:\n\(harness.log.suffix(3000))")
        #expect(await harness.hlsKeepsComing("seller_23"), "no HLS after the seller returned")

        let sessions = harness.nginx.publishSessions("seller_23")
        #expect(sessions.count == 1 && sessions.allSatisfy { !$0.ended }, "\(sessions)")
        let active = await eventually(timeout: .seconds(20)) {
            (try? await harness.api.relay("seller_23"))??["state"] as? String == "active"
        }
        let after = try #require(try await harness.api.relay("seller_23"))
        #expect(active, "\(after)")
        #expect(after["startedAt"] as? String == before["startedAt"] as? String, "\(before) → \(after)")
        #expect(after["restarts"] as? Int == 0, "\(after)")
        let outputs = try #require(after["outputs"] as? [[String: Any]])
        #expect(outputs.map { $0["retries"] as? Int } == [0], "\(outputs)")
        #expect(harness.cloud.converters().map(\.id) == [converter.id], "the converter was replaced")
        #expect(harness.creates.count == 1 && harness.deletes.isEmpty)
    }

    /// SIGTERM stops every relay, and no converter outlives the gateway.
    @Test func sigtermDeletesEveryConverter() async throws {
        let harness = try await GatewayHarness.agora(database: false)
        defer { harness.stop() }
        let sellers: [(channel: String, uid: UInt32)] = [("seller_24", 2424), ("seller_25", 2525), ("seller_26", 2626)]
        for seller in sellers { await harness.cloud.sellerJoins(channel: seller.channel, uid: seller.uid) }
        let running = await eventually(timeout: .seconds(60), every: .milliseconds(500)) {
            let converters = harness.cloud.converters()
            guard converters.count == sellers.count, converters.allSatisfy({ $0.state == "running" }) else { return false }
            for seller in sellers where (try? await harness.api.relay(seller.channel))??["state"] as? String != "active" {
                return false
            }
            return true
        }
        try #require(running, "\(harness.cloud.converters()); log:\n\(harness.log.suffix(3000))")
        let ids = Set(harness.cloud.converters().map(\.id))

        harness.child.signal(SIGTERM)
        let status = await harness.child.wait(timeout: .seconds(60))
        #expect(status == 0, "log:\n\(harness.log.suffix(3000))")
        #expect(harness.cloud.converters().isEmpty, "\(harness.cloud.converters())")
        let deleted = Set(harness.deletes.filter { $0.status == 200 }.compactMap { $0.path.split(separator: "/").last.map(String.init) })
        #expect(deleted == ids, "deleted \(deleted), had \(ids)")
        #expect(harness.cloud.destroyed().allSatisfy { $0.reason == "Delete Request" }, "\(harness.cloud.destroyed())")
    }

    /// Agora destroys a converter with `Internal Error`: relaygate makes a new one, and the
    /// stream comes back in the same relay.
    @Test func aConverterDestroyedByInternalErrorIsRecreated() async throws {
        let harness = try await GatewayHarness.agora(AgoraSetup(reconnectWindow: "60s"))
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        _ = try postgres.psql("INSERT INTO channels (id, name) VALUES (27, 'seller_27') ON CONFLICT DO NOTHING")
        await harness.cloud.sellerJoins(channel: "seller_27", uid: 2727)
        try await harness.expectPlayableHLS("seller_27")
        let startedAt = try await harness.api.relay("seller_27")?["startedAt"] as? String
        let first = try #require(harness.cloud.converters().first)

        harness.cloud.destroyConverter(id: first.id, reason: "Internal Error")
        let recreated = await eventually(timeout: .seconds(30)) {
            harness.cloud.converters().contains { $0.id != first.id && $0.state == "running" }
        }
        #expect(recreated, "no new converter; log:\n\(harness.log.suffix(3000))")
        #expect(await harness.hlsKeepsComing("seller_27"), "HLS stopped after the converter was destroyed")
        #expect(harness.cloud.converters().count == 1 && harness.creates.count == 2, "\(harness.creates.map(\.status))")
        let shown = await eventually(timeout: .seconds(20)) {
            let upstream = await harness.upstream("seller_27")
            return upstream?["attempt"] as? Int == 2 && upstream?["state"] as? String == "running"
        }
        let upstream = await harness.upstream("seller_27")
        #expect(shown, "\(upstream ?? [:])")
        #expect(try await harness.api.relay("seller_27")?["startedAt"] as? String == startedAt)
        let noted = await eventually(timeout: .seconds(30)) {
            (try? harness.events(27, kind: "upstream"))?.contains { $0.contains("Internal Error") && $0.contains("recreating") } == true
        }
        #expect(noted, "relay_events upstream: \((try? harness.events(27, kind: "upstream")) ?? [])")
    }

    /// Credentials Agora refuses (401) fail the relay at once with a reason that names the
    /// settings, never the secret, after a single Create.
    @Test func refusedCredentialsFailTheRelayAtOnce() async throws {
        let secret = "wrong-secret-\(UUID().uuidString)"
        let harness = try await GatewayHarness.agora(AgoraSetup(customerSecret: secret))
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        _ = try postgres.psql("INSERT INTO channels (id, name) VALUES (28, 'seller_28') ON CONFLICT DO NOTHING")
        await harness.cloud.sellerJoins(channel: "seller_28", uid: 2828)
        let failed = await eventually(timeout: .seconds(30)) {
            (try? await harness.api.relay("seller_28"))??["state"] as? String == "failed"
        }
        let relay = try await harness.api.relay("seller_28")
        try #require(failed, "\(relay ?? [:]); log:\n\(harness.log.suffix(3000))")
        let lastError = relay?["lastError"] as? String ?? ""
        for expected in ["401", "agora.customer_id", "agora.customer_secret"] {
            #expect(lastError.contains(expected), "\(lastError)")
        }
        #expect(harness.creates.map(\.status) == [401], "\(harness.creates.map(\.status))")
        #expect(harness.cloud.converters().isEmpty)

        let recorded = await eventually(timeout: .seconds(30)) {
            ((try? harness.events(28, kind: "failed")) ?? []).contains { $0.contains("agora.customer_secret") }
        }
        #expect(recorded, "relay_events failed: \((try? harness.events(28, kind: "failed")) ?? [])")
        let degraded = await eventually(timeout: .seconds(30)) { (try? harness.channelRow(28)) == "error|agora-only|NULL" }
        #expect(degraded, "channels row: \((try? harness.channelRow(28)) ?? "none")")
        let log = harness.log
        #expect(log.contains("agora.customer_id") && log.contains("agora.customer_secret"), "\(log.suffix(3000))")
        let basic = Data("\(FakeAgora.Credentials.test.customerID):\(secret)".utf8).base64EncodedString()
        #expect(!log.contains(secret) && !log.contains(basic), "the secret reached the log")
        #expect(!lastError.contains(secret) && (try? harness.events(28, kind: "failed"))?.contains { $0.contains(secret) } != true)
    }
}
