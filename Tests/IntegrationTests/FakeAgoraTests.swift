import Foundation
import Testing
import TestSupport

/// The fake Agora cloud holds to Agora's documented contract (reference agora.md §1, §2,
/// §3.1): it refuses what Agora refuses, pushes real media to a real nginx-rtmp while the
/// seller broadcasts, and delivers NCS events signed and retried as NCS does.
@Suite(.serialized)
struct FakeAgoraTests {
    static let credentials = FakeAgora.Credentials.test
    static let auth = ["Authorization": credentials.basicAuthorization]
    static let convertersPath = "/na/v1/projects/\(credentials.appID)/rtmp-converters"

    static func raw(
        name: String? = nil, channel: String = "show68", uid: Int = 201, rtmpUrl: String = "rtmp://127.0.0.1:1935/live/x",
        idleTimeout: Int = 300
    ) -> [String: Any] {
        var converter: [String: Any] = [
            "rawOptions": ["rtcChannel": channel, "rtcStreamUid": uid] as [String: Any], "rtmpUrl": rtmpUrl,
            "idleTimeout": idleTimeout,
        ]
        if let name { converter["name"] = name }
        return ["converter": converter]
    }

    static func message(_ reply: HTTPReply) -> String? { (reply.json as? [String: Any])?["message"] as? String }

    static func header(_ name: String, _ headers: [(String, String)]) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    @Test func restCallsNeedTheCustomersBasicAuth() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        let missing = try await http.send("POST", Self.convertersPath, json: Self.raw())
        let standard = Data("\(Self.credentials.customerID):\(Self.credentials.customerSecret)".utf8).base64EncodedString()
        #expect(Self.credentials.basicAuthorization == "Basic " + standard)
        let wrongSecret = "Basic " + Data("\(Self.credentials.customerID):wrong".utf8).base64EncodedString()
        let wrong = try await http.send("POST", Self.convertersPath, json: Self.raw(), headers: ["Authorization": wrongSecret])
        #expect(missing.status == 401 && Self.message(missing) == "Invalid authentication credentials.", "\(missing)")
        #expect(wrong.status == 401 && Self.message(wrong) == "Invalid authentication credentials.", "\(wrong)")
        #expect(fake.converters().isEmpty)

        let created = try await http.send(
            "POST", Self.convertersPath, json: Self.raw(), headers: Self.auth.merging(["X-Request-ID": "req-1"]) { a, _ in a })
        #expect(created.status == 200, "\(created)")
        let body = try #require(created.json as? [String: Any])
        let converter = try #require(body["converter"] as? [String: Any])
        let id = try #require(converter["id"] as? String)
        #expect(id.count == 32 && id.allSatisfy(\.isHexDigit), "\(id)")
        #expect(converter["state"] as? String == "connecting" && converter["createTs"] is Int && converter["updateTs"] is Int)
        #expect(body["fields"] as? String == "id,createTs,updateTs,state")
        #expect(created.headers["x-request-id"] == "req-1" && created.headers["x-custom-request-id"] == "req-1")
        #expect(created.headers["x-resource-id"] == id)
        #expect(fake.calls().map(\.status) == [401, 401, 200])
        #expect(fake.calls().last?.header("x-request-id") == "req-1")
        #expect(fake.converters().map(\.id) == [id])
        await fake.shutdown()
    }

    @Test func invalidRequestsAre400NamingTheField() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        func create(_ body: [String: Any], path: String = Self.convertersPath) async throws -> HTTPReply {
            try await http.send("POST", path, json: body, headers: Self.auth)
        }
        let badURL = try await create(Self.raw(rtmpUrl: "http://example.com/live/x"))
        #expect(badURL.status == 400 && Self.message(badURL)?.hasPrefix("Invalid parameter: rtmpUrl") == true, "\(badURL)")
        let long = try await create(Self.raw(rtmpUrl: "rtmp://example.com/live/" + String(repeating: "k", count: 1024)))
        #expect(long.status == 400 && Self.message(long)?.contains("rtmpUrl") == true, "\(long)")

        var both = Self.raw()
        var converter = both["converter"] as! [String: Any]
        converter["transcodeOptions"] = ["rtcChannel": "show68", "audioOptions": [:] as [String: Any]] as [String: Any]
        both["converter"] = converter
        let twice = try await create(both)
        #expect(twice.status == 400, "\(twice)")
        #expect(Self.message(twice)?.contains("rawOptions") == true && Self.message(twice)?.contains("transcodeOptions") == true)
        let neither = try await create(["converter": ["rtmpUrl": "rtmp://example.com/live/x"]])
        #expect(neither.status == 400 && Self.message(neither)?.contains("rawOptions") == true, "\(neither)")

        let badName = try await create(Self.raw(name: "no spaces allowed"))
        #expect(badName.status == 400 && Self.message(badName)?.contains("name") == true, "\(badName)")
        let view: [String: Any] = ["rtcStreamUid": 201, "region": ["xPos": 0, "yPos": 0, "width": 1280, "height": 720]]
        let video: [String: Any] = ["canvas": ["width": 1280, "height": 720], "bitrate": 2000, "layout": [view]]
        let audio: [String: Any] = ["rtcStreamUids": [201], "volumes": [["rtcStreamUid": 202, "volume": 100]]]
        func transcode(audio: [String: Any], video: [String: Any]) -> [String: Any] {
            let options: [String: Any] = ["rtcChannel": "show68", "audioOptions": audio, "videoOptions": video]
            // Agora's tables spell it idleTimeOut, its examples idleTimeout: both are taken.
            let converter: [String: Any] = ["transcodeOptions": options, "rtmpUrl": "rtmp://example.com/live/x", "idleTimeOut": 60]
            return ["converter": converter]
        }
        var wideCanvas = video
        wideCanvas["canvas"] = ["width": 2000, "height": 720]
        let wide = try await create(transcode(audio: [:], video: wideCanvas))
        #expect(wide.status == 400 && Self.message(wide)?.contains("canvas.width") == true, "\(wide)")
        let volumes = try await create(transcode(audio: audio, video: video))
        #expect(volumes.status == 400 && Self.message(volumes)?.contains("volumes") == true, "\(volumes)")
        let upper = try await create(Self.raw(), path: "/NA/v1/projects/\(Self.credentials.appID)/rtmp-converters")
        #expect(upper.status == 400 && Self.message(upper)?.contains("region") == true, "\(upper)")
        let otherApp = try await create(Self.raw(), path: "/na/v1/projects/\(String(repeating: "0", count: 32))/rtmp-converters")
        #expect(otherApp.status == 403, "\(otherApp)")
        #expect(fake.converters().isEmpty)
        #expect(upper.headers["x-request-id"] == nil, "error responses carry no request ID")
        let good = try await create(transcode(audio: ["rtcStreamUids": [201]], video: video))
        #expect(good.status == 200, "\(good)")
        #expect(fake.converters().map(\.uids) == [[201]] && fake.converters().first?.raw == false)
        #expect(fake.converters().first?.idleTimeout == 60)
        await fake.shutdown()
    }

    @Test func duplicateNamesConflictAndUnknownIdsAreNotFound() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        let first = try await http.send("POST", Self.convertersPath, json: Self.raw(name: "show68_raw"), headers: Self.auth)
        let again = try await http.send("POST", Self.convertersPath, json: Self.raw(name: "show68_raw"), headers: Self.auth)
        #expect(first.status == 200 && again.status == 409, "\(first) \(again)")
        let unknown = try await http.send("GET", Self.convertersPath + "/" + String(repeating: "a", count: 32), headers: Self.auth)
        #expect(unknown.status == 404 && Self.message(unknown) == "Resource is not found and destroyed", "\(unknown)")

        let id = try #require(fake.converters().first?.id)
        let got = try await http.send("GET", Self.convertersPath + "/" + id, headers: Self.auth)
        let shown = try #require((got.json as? [String: Any])?["converter"] as? [String: Any], "\(got)")
        #expect(shown["name"] as? String == "show68_raw" && shown["idleTimeout"] as? Int == 300, "\(shown)")
        let deleted = try await http.send("DELETE", Self.convertersPath + "/" + id, headers: Self.auth)
        #expect(deleted.status == 200 && deleted.body.isEmpty, "\(deleted)")
        let twice = try await http.send("DELETE", Self.convertersPath + "/" + id, headers: Self.auth)
        #expect(twice.status == 404, "\(twice)")
        #expect(fake.destroyed().map(\.reason) == ["Delete Request"] && fake.converters().isEmpty)
        #expect(fake.notifications().map { "\($0.productId)/\($0.eventType)" } == ["5/1", "5/4"])
        let reused = try await http.send("POST", Self.convertersPath, json: Self.raw(name: "show68_raw"), headers: Self.auth)
        #expect(reused.status == 200, "a destroyed converter's name is free again: \(reused)")
        await fake.shutdown()
    }

    @Test func injectedFailuresOutageAndTheListShape() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        fake.failNext(.create, status: 429, times: 2)
        var statuses: [Int] = []
        for _ in 0..<3 {
            let reply = try await http.send("POST", Self.convertersPath, json: Self.raw(), headers: Self.auth)
            statuses.append(reply.status)
            if reply.status == 429 { #expect(Self.message(reply) == "Too Many Requests") }
        }
        #expect(statuses == [429, 429, 200])

        fake.setOutage(true)
        let down = try await http.send("GET", "/v1/projects/\(Self.credentials.appID)/rtmp-converters", headers: Self.auth)
        #expect(down.status == 503 && Self.message(down) == "Service Unavailable", "\(down)")
        fake.setOutage(false)
        let list = try await http.send("GET", "/v1/projects/\(Self.credentials.appID)/rtmp-converters", headers: Self.auth)
        let data = try #require((list.json as? [String: Any])?["data"] as? [String: Any], "\(list)")
        let members = try #require(data["members"] as? [[String: Any]])
        #expect(data["total_count"] as? Int == 1 && data["cursor"] as? Int == 0 && members.count == 1, "\(data)")
        #expect(members.first?["idleTimeout"] as? String == "300" && members.first?["create"] is String, "\(members)")
        #expect(members.first?["converterId"] as? String == fake.converters().first?.id)
        await fake.shutdown()
    }

    @Test func updatesNeedAnIncreasingSequenceAndLeaveImmutablesAlone() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        _ = try await http.send("POST", Self.convertersPath, json: Self.raw(name: "show68_raw"), headers: Self.auth)
        let path = Self.convertersPath + "/" + (try #require(fake.converters().first?.id))
        let moved = ["converter": ["rtmpUrl": "rtmp://example.com/live/moved"]]
        let noSequence = try await http.send("PATCH", path, json: moved, headers: Self.auth)
        #expect(noSequence.status == 400 && Self.message(noSequence)?.contains("sequence") == true, "\(noSequence)")
        let applied = try await http.send("PATCH", path + "?sequence=1", json: moved, headers: Self.auth)
        #expect(applied.status == 200 && fake.converters().first?.rtmpURL == "rtmp://example.com/live/moved", "\(applied)")
        // Update is limited to 2/s per converter; the refused call above counted too.
        let tooSoon = try await http.send("PATCH", path + "?sequence=2", json: moved, headers: Self.auth)
        #expect(tooSoon.status == 429, "\(tooSoon)")
        try await Task.sleep(for: .milliseconds(1100))
        let stale = try await http.send(
            "PATCH", path + "?sequence=1", json: ["converter": ["rtmpUrl": "rtmp://example.com/live/stale"]], headers: Self.auth)
        #expect(stale.status == 200 && fake.converters().first?.rtmpURL == "rtmp://example.com/live/moved", "\(stale)")
        let renamed = try await http.send("PATCH", path + "?sequence=3", json: ["converter": ["name": "other"]], headers: Self.auth)
        #expect(renamed.status == 400 && Self.message(renamed)?.contains("name") == true, "\(renamed)")
        let update = try #require(fake.notifications().first { $0.eventType == 2 })
        #expect(update.payload["fields"]?.stringValue == "id,createTs,updateTs,state,rtmpUrl", "\(update.payload.text)")
        await fake.shutdown()
    }

    @Test func channelUserListShowsBroadcastersAndAudience() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        let path = "/dev/v1/channel/user/\(Self.credentials.appID)/show68"
        let empty = try await http.send("GET", path, headers: Self.auth)
        #expect(empty.text == #"{"success":true,"data":{"channel_exist":false}}"#, "\(empty)")
        await fake.sellerJoins(channel: "show68", uid: 201, sendEvent: false)
        fake.setAudience(channel: "show68", count: 3)
        let live = try await http.send("GET", path, headers: Self.auth)
        let data = try #require((live.json as? [String: Any])?["data"] as? [String: Any], "\(live)")
        #expect(data["channel_exist"] as? Bool == true && data["mode"] as? Int == 2, "\(data)")
        #expect(data["broadcasters"] as? [Int] == [201] && (data["audience"] as? [Int])?.count == 3, "\(data)")
        #expect(data["audience_total"] as? Int == 3)
        let unauthorized = try await http.send("GET", path)
        #expect(unauthorized.status == 401)
        await fake.shutdown()
    }

    /// Without its source user a converter connects for ever, pushing nothing, until the
    /// idle timer destroys it; `failConverter` is reported as a state change.
    @Test func absentSourcesIdleOutAndFailuresAreReported() async throws {
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        _ = try await http.send("POST", Self.convertersPath, json: Self.raw(name: "idle", uid: 999, idleTimeout: 1), headers: Self.auth)
        _ = try await http.send("POST", Self.convertersPath, json: Self.raw(name: "doomed", uid: 201), headers: Self.auth)
        let doomed = try #require(fake.converters().first { $0.name == "doomed" })
        fake.failConverter(id: doomed.id)
        #expect(fake.converters().first { $0.name == "doomed" }?.state == "failed")
        // The destroy is recorded before its notification is: wait for both.
        let idled = await eventually(timeout: .seconds(5)) {
            fake.destroyed().map(\.reason) == ["Idle Timeout"] && fake.notifications().count == 4
        }
        #expect(idled, "\(fake.destroyed())")
        #expect(fake.destroyed().first?.converter.state == "connecting")
        let kinds = fake.notifications().map { "\($0.productId)/\($0.eventType)" + ($0.payload.value(at: "converter.state")?.stringValue ?? "") }
        #expect(kinds == ["5/1connecting", "5/1connecting", "5/3failed", "5/4"], "\(kinds)")
        await fake.shutdown()
    }

    /// A raw converter for a joined seller publishes H.264 + AAC to nginx; when the seller
    /// leaves, the push stops and the idle timer destroys the converter, all reported by NCS.
    @Test func rawConverterPushesWhileTheSellerBroadcasts() async throws {
        let nginx = try await Nginx()
        let recorder = WebhookRecorder()
        let fake = try await FakeAgora.start(webhookURL: try await recorder.start())
        let http = HTTPClient(baseURL: fake.baseURL)
        let stream = "agora-\(UUID().uuidString.prefix(8))"
        await fake.sellerJoins(channel: "show68", uid: 201)
        let created = try await http.send(
            "POST", Self.convertersPath, json: Self.raw(rtmpUrl: nginx.publishURL("live", stream), idleTimeout: 4),
            headers: Self.auth)
        #expect(created.status == 200, "\(created)")
        let running = await eventually(timeout: .seconds(20)) { fake.converters().first?.state == "running" }
        try #require(running, "\(fake.converters()) \(nginx.errorLog)")

        let probed = try FFprobe.streams(nginx.publishURL("live", stream))
        let video = try #require(probed.first { $0.codecType == "video" })
        #expect(video.codecName == "h264" && video.width == 1280 && video.height == 720, "\(video)")
        #expect(probed.contains { $0.codecType == "audio" && $0.codecName == "aac" }, "\(probed)")

        await fake.sellerLeaves(channel: "show68", uid: 201)
        #expect(fake.converters().first?.state == "connecting")
        try nginx.waitUntilPublishEnded(stream)
        let destroyed = await eventually(timeout: .seconds(10)) { fake.destroyed().first?.reason == "Idle Timeout" }
        #expect(destroyed, "\(fake.converters())")
        let delivered = await eventually(timeout: .seconds(5)) {
            recorder.received().contains { Notification(body: $0.body)?.payload["destroyReason"]?.stringValue == "Idle Timeout" }
        }
        #expect(delivered)

        let events = recorder.received().compactMap { FakeAgora.Notification(body: $0.body) }
        let kinds = events.map { "\($0.productId)/\($0.eventType)" + ($0.payload.value(at: "converter.state")?.stringValue ?? "") }
        #expect(kinds == ["1/101", "1/103", "5/1connecting", "5/3running", "5/3connecting", "1/104", "1/102", "5/4"], "\(kinds)")
        for received in recorder.received() {
            let signature = NCSSignature.of(received.body, secret: Self.credentials.ncsSecret).sha256
            #expect(Self.header("Agora-Signature-V2", received.headers) == signature)
        }
        await fake.shutdown()
        await recorder.stop()
    }

    /// A transcoder pushes its own canvas and audio settings; when the RTMP server goes away
    /// ffmpeg dies, the converter falls back to connecting, and it pushes again once the
    /// server is back (Agora's converter retries its RTMP leg).
    @Test func transcoderPushesItsCanvasAndRetriesItsRTMPLeg() async throws {
        let nginx = try await Nginx()
        let fake = try await FakeAgora.start(webhookURL: nil)
        let http = HTTPClient(baseURL: fake.baseURL)
        let stream = "agora-\(UUID().uuidString.prefix(8))"
        await fake.sellerJoins(channel: "show68", uid: 201)
        let view: [String: Any] = ["rtcStreamUid": 201, "region": ["xPos": 0, "yPos": 0, "width": 640, "height": 360]]
        let options: [String: Any] = [
            "rtcChannel": "show68",
            "audioOptions": ["sampleRate": 44100, "audioChannels": 2, "rtcStreamUids": [201]] as [String: Any],
            "videoOptions": ["canvas": ["width": 640, "height": 360], "bitrate": 800, "frameRate": 15, "layout": [view]]
                as [String: Any],
        ]
        let converter: [String: Any] = ["transcodeOptions": options, "rtmpUrl": nginx.publishURL("live", stream)]
        let created = try await http.send("POST", Self.convertersPath, json: ["converter": converter], headers: Self.auth)
        #expect(created.status == 200, "\(created)")
        let running = await eventually(timeout: .seconds(20)) { fake.converters().first?.state == "running" }
        try #require(running, "\(fake.converters())")
        let probed = try FFprobe.streams(nginx.publishURL("live", stream))
        let video = try #require(probed.first { $0.codecType == "video" })
        let audio = try #require(probed.first { $0.codecType == "audio" })
        #expect(video.codecName == "h264" && video.width == 640 && video.height == 360, "\(video)")
        #expect(audio.codecName == "aac" && audio.sampleRate == 44100 && audio.channels == 2, "\(audio)")

        nginx.stop()
        let fellBack = await eventually(timeout: .seconds(10)) { fake.converters().first?.state == "connecting" }
        #expect(fellBack, "\(fake.converters())")
        try await nginx.start()
        let again = await eventually(timeout: .seconds(20)) { fake.converters().first?.state == "running" }
        #expect(again, "\(fake.converters())")
        let states = fake.notifications().filter { $0.eventType == 3 }.compactMap { $0.payload.value(at: "converter.state")?.stringValue }
        #expect(states == ["running", "connecting", "running"], "\(states)")
        await fake.shutdown()
    }

    private typealias Notification = FakeAgora.Notification

    @Test func deliverySignsTheExactBytes() async throws {
        let vector = Array(
            #"{"eventMs":1560408533119,"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}"#
                .utf8)
        let reference = NCSSignature.of(vector, secret: "secret")
        #expect(reference.sha256 == "6d3320c60b11101395b7fc8f9068748808a0aa1bfa064438e39d1bc2c7d74d99")
        #expect(reference.sha1 == "033c62f40f687675f17f0f41f91a40c71c0f134c")

        let recorder = WebhookRecorder()
        let fake = try await FakeAgora.start(webhookURL: try await recorder.start())
        let event = fake.rtcEvent(103, channel: "show68", uid: 201)
        #expect(await fake.deliver(event) == [200])
        #expect(await fake.deliver(event, secret: "rotated") == [200])
        #expect(await fake.deliver(event, signed: false) == [200])
        let received = recorder.received()
        try #require(received.count == 3)
        #expect(received[0].body == event.body)
        let expected = NCSSignature.of(received[0].body, secret: Self.credentials.ncsSecret)
        #expect(Self.header("Agora-Signature-V2", received[0].headers) == expected.sha256)
        #expect(Self.header("Agora-Signature", received[0].headers) == expected.sha1)
        #expect(Self.header("Agora-Signature-V2", received[1].headers) == NCSSignature.of(received[1].body, secret: "rotated").sha256)
        #expect(Self.header("Agora-Signature-V2", received[2].headers) == nil && Self.header("Agora-Signature", received[2].headers) == nil)
        #expect(event.payload["platform"] == 7 && event.payload["channelName"] == "show68")
        let next = fake.rtcEvent(104, channel: "show68", uid: 201)
        #expect((next.payload["clientSeq"]?.intValue ?? 0) == (event.payload["clientSeq"]?.intValue ?? 0) + 1)
        #expect(next.payload["reason"] == 1 && next.payload["duration"] != nil)
        await fake.shutdown()
        await recorder.stop()
    }

    @Test func failedDeliveriesAreRetriedThreeTimesWithTheSameNoticeId() async throws {
        let recorder = WebhookRecorder()
        let fake = try await FakeAgora.start(webhookURL: try await recorder.start())
        recorder.setStatus(500)
        let statuses = await fake.deliver(fake.rtcEvent(103, channel: "show68", uid: 201))
        #expect(statuses == [500, 500, 500, 500])
        let attempts = recorder.received().compactMap { Notification(body: $0.body) }
        #expect(attempts.count == 4 && Set(attempts.map(\.noticeId)).count == 1)
        #expect(zip(attempts, attempts.dropFirst()).allSatisfy { $0.notifyMs <= $1.notifyMs })
        #expect(attempts.last!.notifyMs > attempts.first!.notifyMs, "notifyMs is refreshed on resend")

        recorder.setStatus(200)
        recorder.respondNext([503])
        #expect(await fake.deliver(fake.rtcEvent(104, channel: "show68", uid: 201)) == [503, 200])
        #expect(await fake.deliver(fake.rtcEvent(103, channel: "show68", uid: 201), retry: false) == [200])
        await fake.shutdown()
        await recorder.stop()
    }

    @Test func batchesCanBeDuplicatedAndShuffled() async throws {
        let recorder = WebhookRecorder()
        let fake = try await FakeAgora.start(webhookURL: try await recorder.start())
        let batch = (0..<6).map { fake.rtcEvent($0 % 2 == 0 ? 103 : 104, channel: "show68", uid: 201) }
        await fake.deliver(batch, duplicates: false, shuffled: false)
        #expect(recorder.received().map(\.body) == batch.map(\.body))

        await fake.deliver(batch, duplicates: true, shuffled: true)
        let twice = recorder.received().dropFirst(batch.count).map(\.body)
        #expect(twice.count == 12)
        for notification in batch { #expect(twice.filter { $0 == notification.body }.count == 2) }
        await fake.shutdown()
        await recorder.stop()
    }
}
