import Foundation
import Testing
import TestSupport

/// A seller goes live in Agora channel `seller_42`: NCS tells the gateway, the gateway makes
/// a Media Push converter that pushes into its own ingest, and buyers get HLS from nginx —
/// then the seller leaves and everything is cleaned up. Agora is the fake; the rest is real.
@Suite(.serialized)
struct AgoraRelayTests {
    @Test func broadcasterJoinRelaysTheSellerAndLeaveStopsIt() async throws {
        let harness = try await GatewayHarness.agora()
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        _ = try postgres.psql("INSERT INTO channels (id, name) VALUES (42, 'seller_42') ON CONFLICT DO NOTHING")
        harness.cloud.setAudience(channel: "seller_42", count: 17)

        // Only NCS starts agora relays (nothing polls Agora's channels): a Create after the
        // join is the gateway answering it.
        await harness.cloud.sellerJoins(channel: "seller_42", uid: 4242)
        let created = await eventually(timeout: .seconds(30), every: .milliseconds(50)) { !harness.creates.isEmpty }
        #expect(created, "no converter after the join; log:\n\(harness.log.suffix(3000))")
        let create = try #require(harness.creates.first)
        let ingestPort = try #require(harness.ingestPort)
        // The body Agora documents for a raw push of one uid, into our ingest with a per-relay key.
        let body = try #require(create.json?["converter"] as? [String: Any], "\(create)")
        let raw = try #require(body["rawOptions"] as? [String: Any], "\(body)")
        #expect(raw["rtcChannel"] as? String == "seller_42")
        #expect((raw["rtcStreamUid"] as? NSNumber)?.intValue == 4242)
        #expect(body["transcodeOptions"] == nil)
        let rtmpURL = try #require(body["rtmpUrl"] as? String)
        #expect(rtmpURL.hasPrefix("rtmp://127.0.0.1:\(ingestPort)/agora/"), "\(rtmpURL)")
        #expect(rtmpURL.split(separator: "/").last.map { $0.count >= 20 } == true, "key too short: \(rtmpURL)")
        #expect((body["name"] as? String ?? "").hasPrefix("relaygate-sellers-seller_42-"), "\(body)")
        #expect((body["idleTimeOut"] as? NSNumber)?.intValue == 10)
        #expect(create.header("X-Request-ID")?.isEmpty == false)
        #expect(create.status == 200)
        // The stream key is a secret: never in the gateway's log.
        let key = String(rtmpURL.split(separator: "/").last ?? "")
        #expect(!harness.log.contains(key), "the ingest key leaked into the log")

        try await harness.expectPlayableHLS("seller_42")
        let playback = harness.nginx.playlistURL("seller_42")
        let active = await eventually(timeout: .seconds(30)) { (try? harness.channelRow(42)) == "active|hybrid|\(playback)" }
        #expect(active, "channels row: \((try? harness.channelRow(42)) ?? "none")")
        let upstream = await harness.upstream("seller_42")
        #expect(upstream?["mode"] as? String == "raw", "\(upstream ?? [:])")
        #expect(upstream?["id"] as? String == harness.cloud.converters().first?.id)
        let counted = await eventually(timeout: .seconds(30)) {
            (try? postgres.psql("SELECT max(agora_viewers) FROM stream_metrics WHERE channel_id = 42")) == "17"
        }
        #expect(counted, "stream_metrics.agora_viewers never showed the audience of 17")
        #expect((try await harness.api.relay("seller_42"))?["viewers"] as? Int == 17)

        // NCS got the gateway's answers, each checked against the served document.
        #expect(harness.api.checked("/v1/webhooks/agora") >= 1)

        await harness.cloud.sellerLeaves(channel: "seller_42", uid: 4242)
        let stopped = await eventually(timeout: .seconds(20)) {
            await harness.hasNoRelay("seller_42") && !harness.deletes.isEmpty
        }
        #expect(stopped, "relay or converter outlived the seller; log:\n\(harness.log.suffix(3000))")
        #expect(harness.cloud.converters().isEmpty, "\(harness.cloud.converters())")
        let down = await eventually(timeout: .seconds(30)) { (try? harness.channelRow(42)) == "stopped|agora-only|NULL" }
        #expect(down, "channels row: \((try? harness.channelRow(42)) ?? "none")")
    }

    @Test func badSignaturesDuplicatesReorderingAndStrangersStartNothingExtra() async throws {
        let harness = try await GatewayHarness.agora(database: false)
        defer { harness.stop() }

        let forged = harness.cloud.rtcEvent(103, channel: "seller_7", uid: 7)
        #expect(await harness.cloud.deliver(forged, secret: "not-the-secret", retry: false) == [401])
        #expect(await harness.cloud.deliver(forged, signed: false, retry: false) == [401])
        // A channel no route matches: acknowledged, ignored.
        let stranger = harness.cloud.rtcEvent(103, channel: "lobby_1", uid: 9)
        #expect(await harness.cloud.deliver(stranger, retry: false) == [200])
        // Whether they started anything is judged below, once seller_8's relay runs.

        // One seller's join, delivered twice and out of order with an older role change.
        await harness.cloud.sellerJoins(channel: "seller_8", uid: 88, sendEvent: false)
        let join = harness.cloud.rtcEvent(103, channel: "seller_8", uid: 88, clientSeq: 5)
        let olderLeave = harness.cloud.rtcEvent(112, channel: "seller_8", uid: 88, clientSeq: 3)
        await harness.cloud.deliver([join, olderLeave, join], duplicates: true, shuffled: false)
        try await harness.expectPlayableHLS("seller_8")
        #expect(harness.creates.count == 1, "\(harness.creates.count) creates")
        let channels = harness.creates.compactMap {
            (($0.json?["converter"] as? [String: Any])?["rawOptions"] as? [String: Any])?["rtcChannel"] as? String
        }
        #expect(channels == ["seller_8"], "a refused or ignored event created a converter: \(channels)")
        #expect(try await harness.api.relay("seller_7") == nil)
        #expect(try await harness.api.relay("lobby_1") == nil)
        #expect(harness.cloud.converters().count == 1)
        let relay = try await harness.api.relay("seller_8")
        #expect(relay?["state"] as? String == "active", "\(relay ?? [:])")

        // Signed garbage is a clear 400, an oversized body 413; neither disturbs the relay.
        for body in [Array("{\"noticeId\": 5".utf8), Array("{\"noticeId\":\"n1\",\"productId\":1,\"eventType\":103}".utf8)] {
            let signature = NCSSignature.of(body, secret: FakeAgora.Credentials.test.ncsSecret)
            let reply = try await harness.api.send(
                "POST", "/v1/webhooks/agora", token: nil, body: Data(body), headers: ["Agora-Signature-V2": signature.sha256])
            #expect(reply.status == 400, "\(reply)")
            let message = (reply.json as? [String: Any])?["error"] as? String
            #expect(message?.contains("unreadable") == true, "\(reply)")
        }
        let huge = try await harness.api.send(
            "POST", "/v1/webhooks/agora", token: nil, body: Data(repeating: 0x20, count: 300_000), headers: ["Agora-Signature-V2": "00"])
        #expect(huge.status == 413, "\(huge)")
        #expect((try await harness.api.relay("seller_8"))?["state"] as? String == "active")

        // Through the API the seller must be an Agora uid, or nothing starts.
        let bad = try await harness.api.send(
            "POST", "/v1/relays", json: ["channelId": "seller_9", "sellerUid": "u-9"])
        #expect(bad.status == 400 && bad.errorField == "sellerUid", "\(bad)")
        #expect(try await harness.api.relay("seller_9") == nil)
    }

    @Test func rateLimitedCreateBacksOffAndAFailedConverterIsRecreated() async throws {
        let harness = try await GatewayHarness.agora()
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        _ = try postgres.psql("INSERT INTO channels (id, name) VALUES (51, 'seller_51') ON CONFLICT DO NOTHING")
        harness.cloud.failNext(.create, status: 429, times: 2)
        await harness.cloud.sellerJoins(channel: "seller_51", uid: 51)
        try await harness.expectPlayableHLS("seller_51")
        #expect(harness.creates.map(\.status) == [429, 429, 200], "\(harness.creates.map(\.status))")
        let notes = try harness.events(51, kind: "upstream")
        let retries = notes.filter { $0.contains("429") && $0.contains("retry") }
        #expect(retries.count == 2, "relay_events upstream: \(notes)")

        let first = try #require(harness.cloud.converters().first)
        harness.cloud.failConverter(id: first.id)
        let recreated = await eventually(timeout: .seconds(20)) {
            harness.cloud.converters().contains { $0.id != first.id && $0.state == "running" }
        }
        #expect(recreated, "no new converter after the first failed; log:\n\(harness.log.suffix(3000))")
        #expect(harness.deletes.contains { $0.path.hasSuffix(first.id) }, "the failed converter was not deleted")
        #expect(harness.cloud.converters().count == 1)
        let upstream = await harness.upstream("seller_51")
        #expect(upstream?["attempt"] as? Int == 2, "\(upstream ?? [:])")
        #expect(try harness.events(51, kind: "upstream").contains { $0.contains("recreating") })
        try await harness.expectPlayableHLS("seller_51")

        // Agora's API goes down while the push keeps arriving: the stream is left alone.
        let converter = harness.cloud.converters().first?.id
        harness.cloud.setOutage(true)
        let noted = await eventually(timeout: .seconds(30)) {
            (try? harness.events(51, kind: "upstream"))?.contains { $0.contains("unavailable while watching") } == true
        }
        harness.cloud.setOutage(false)
        #expect(noted, "\((try? harness.events(51, kind: "upstream")) ?? [])")
        #expect(harness.cloud.converters().first?.id == converter, "a healthy converter was replaced")
        #expect((try await harness.api.relay("seller_51"))?["state"] as? String == "active")
    }

    @Test func agoraDownFailsTheRelayWithAReasonAndTheChannelDegrades() async throws {
        let harness = try await GatewayHarness.agora(AgoraSetup(source: "idle_timeout: 10s, attempts: 2"))
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        _ = try postgres.psql("INSERT INTO channels (id, name) VALUES (61, 'seller_61') ON CONFLICT DO NOTHING")
        harness.cloud.setOutage(true)
        await harness.cloud.sellerJoins(channel: "seller_61", uid: 61)
        let failed = await eventually(timeout: .seconds(30)) {
            (try? await harness.api.relay("seller_61"))??["state"] as? String == "failed"
        }
        let relay = try await harness.api.relay("seller_61")
        #expect(failed, "\(relay ?? [:]); log:\n\(harness.log.suffix(3000))")
        let lastError = relay?["lastError"] as? String ?? ""
        #expect(lastError.contains("503") && lastError.contains("attempt 2 of 2"), "\(lastError)")
        // Every try was a real request (2 attempts × (1 + 2 retries)).
        #expect(harness.creates.count == 6, "\(harness.creates.map(\.status))")
        let degraded = await eventually(timeout: .seconds(30)) { (try? harness.channelRow(61)) == "error|agora-only|NULL" }
        #expect(degraded, "channels row: \((try? harness.channelRow(61)) ?? "none")")
        let notes = try harness.events(61, kind: "upstream")
        #expect(notes.contains { $0.contains("503") && $0.contains("retry") }, "\(notes)")
        #expect(notes.contains { $0.contains("attempt 2 of 2") }, "\(notes)")
        let failure = try postgres.psql("SELECT reason FROM relay_events WHERE channel_id = 61 AND event = 'failed'")
        #expect(failure.contains("agora media push"), "\(failure)")
    }

    @Test func aRestartedGatewayAdoptsTheLiveConverterAndDeletesOrphans() async throws {
        let harness = try await GatewayHarness.agora()
        defer { harness.stop() }
        await harness.cloud.sellerJoins(channel: "seller_71", uid: 71)
        try await harness.expectPlayableHLS("seller_71")
        let live = try #require(harness.cloud.converters().first)
        // A converter an earlier gateway made for a relay nobody wants any more.
        let orphan = try await Self.createDirectly(
            harness, name: "relaygate-sellers-seller_99-0000000000000099", channel: "seller_99", uid: 99,
            rtmpURL: harness.url("agora", "gone"))

        harness.kill()
        let firstLog = harness.log
        try await harness.startAnother()
        let adopted = await eventually(timeout: .seconds(20)) {
            (await harness.upstream("seller_71"))?["id"] as? String == live.id
        }
        #expect(adopted, "the live converter was not adopted; log:\n\(harness.log.suffix(3000))\nfirst:\n\(firstLog.suffix(2000))")
        #expect(harness.cloud.converters().filter { $0.channel == "seller_71" }.count == 1)
        let conflicts = harness.creates.filter { $0.status == 409 }
        #expect(conflicts.count == 1, "\(harness.creates.map(\.status))")
        let cleaned = await eventually(timeout: .seconds(30)) { !harness.cloud.converters().contains { $0.id == orphan } }
        #expect(cleaned, "the orphan converter survived the restart")
        let playlist = harness.nginx.playlistPath("seller_71")
        let before = (try? String(contentsOfFile: playlist, encoding: .utf8)) ?? ""
        let resumed = await eventually(timeout: .seconds(30)) {
            ((try? String(contentsOfFile: playlist, encoding: .utf8)) ?? "") != before
        }
        #expect(resumed, "HLS did not resume after the restart")
    }

    @Test func directModePushesStraightToThePlatformWithoutAWorker() async throws {
        let harness = try await GatewayHarness.agora(AgoraSetup(source: "idle_timeout: 10s, direct: true"))
        defer { harness.stop() }
        let postgres = try #require(harness.postgres)
        _ = try postgres.psql("INSERT INTO channels (id, name) VALUES (81, 'seller_81') ON CONFLICT DO NOTHING")
        await harness.cloud.sellerJoins(channel: "seller_81", uid: 81)
        try await harness.expectPlayableHLS("seller_81")
        let create = try #require(harness.creates.first)
        let body = try #require(create.json?["converter"] as? [String: Any])
        #expect(body["rtmpUrl"] as? String == harness.nginx.publishURL("live", "seller_81"), "\(body)")
        // Nothing of the stream passes through the gateway: no worker, no ingest endpoint.
        #expect(harness.workers.isEmpty, "\(harness.workers)")
        let active = await eventually(timeout: .seconds(30)) {
            (try? await harness.api.relay("seller_81"))??["state"] as? String == "active"
        }
        let relay = try await harness.api.relay("seller_81")
        #expect(active, "\(relay ?? [:])")
        #expect(relay?["ingest"] == nil)
        let playback = harness.nginx.playlistURL("seller_81")
        let row = await eventually(timeout: .seconds(30)) { (try? harness.channelRow(81)) == "active|hybrid|\(playback)" }
        #expect(row, "channels row: \((try? harness.channelRow(81)) ?? "none")")

        await harness.cloud.sellerLeaves(channel: "seller_81", uid: 81)
        let stopped = await eventually(timeout: .seconds(20)) {
            await harness.hasNoRelay("seller_81") && harness.cloud.converters().isEmpty
        }
        #expect(stopped, "log:\n\(harness.log.suffix(3000))")
        let down = await eventually(timeout: .seconds(30)) { (try? harness.channelRow(81)) == "stopped|agora-only|NULL" }
        #expect(down, "channels row: \((try? harness.channelRow(81)) ?? "none")")
    }

    /// A converter made straight through the REST API, as an earlier gateway would have.
    static func createDirectly(_ harness: GatewayHarness, name: String, channel: String, uid: Int, rtmpURL: String)
        async throws -> String
    {
        let credentials = FakeAgora.Credentials.test
        let basic = Data("\(credentials.customerID):\(credentials.customerSecret)".utf8).base64EncodedString()
        let body: [String: Any] = [
            "converter": [
                "name": name, "rawOptions": ["rtcChannel": channel, "rtcStreamUid": uid], "rtmpUrl": rtmpURL,
                "idleTimeOut": 300,
            ]
        ]
        let reply = try await HTTPClient(baseURL: harness.cloud.baseURL).send(
            "POST", "/na/v1/projects/\(credentials.appID)/rtmp-converters",
            body: try JSONSerialization.data(withJSONObject: body), headers: ["Authorization": "Basic \(basic)"])
        guard reply.status == 200, let id = ((reply.json as? [String: Any])?["converter"] as? [String: Any])?["id"] as? String
        else { throw TestFailure("direct create: \(reply)") }
        return id
    }
}
