import CloudflareStream
import Testing
import TestSupport

/// Live input notifications as the fake sends them over HTTP, checked by the verifier the
/// way a `WebhookReceiver` would call it.
@Suite struct LiveInputWebhookTests {
    let verifier = LiveInputWebhookVerifier(secret: CloudflareSecret(CloudflareTestHarness.webhookSecret))
    static let input = "eb222fcca08eeb1ae84c981ebe8aeeb6"

    /// What the receiver got: headers lowercased, as `WebhookRequest` has them.
    private func delivered(_ send: (FakeCloudflare, String) async -> Void) async throws -> [(headers: [String: String], body: [UInt8])] {
        let fake = try await FakeCloudflare.start()
        let recorder = WebhookRecorder()
        let url = try await recorder.start()
        await send(fake, url)
        let received = recorder.received().map { request in
            (Dictionary(request.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first }), request.body)
        }
        await recorder.stop()
        await fake.shutdown()
        return received
    }

    @Test func connectedDisconnectedAndErroredAreTyped() async throws {
        let received = try await delivered { fake, url in
            let secret = CloudflareTestHarness.webhookSecret
            await fake.sendNotification(inputID: Self.input, event: .connected, to: url, secret: secret)
            await fake.sendNotification(inputID: Self.input, event: .disconnected, to: url, secret: secret)
            await fake.sendNotification(
                inputID: Self.input, event: .errored(code: "ERR_GOP_OUT_OF_RANGE", message: "Input GOP size is out of range"), to: url,
                secret: secret)
        }
        let notifications = try received.map { try verifier.verify(headers: $0.headers, body: $0.body) }
        #expect(notifications.map(\.inputID) == [Self.input, Self.input, Self.input])
        #expect(
            notifications.map(\.event) == [
                .connected, .disconnected, .errored(code: "ERR_GOP_OUT_OF_RANGE", message: "Input GOP size is out of range"),
            ])
        #expect(notifications.allSatisfy { $0.updatedAt?.hasSuffix("Z") == true && ($0.ts ?? 0) > 1_600_000_000 })
    }

    @Test func theFakeNotifiesWhenAnInputGoesLive() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let recorder = WebhookRecorder()
            fake.setNotificationDestination(url: try await recorder.start(), secret: CloudflareTestHarness.webhookSecret)
            let input = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            #expect(await fake.setLive(input.uid, true) == 200)
            #expect(await fake.setLive(input.uid, false) == 200)
            let events = try recorder.received().map { request in
                try verifier.verify(
                    headers: Dictionary(request.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first }),
                    body: request.body)
            }
            #expect(events.map(\.event) == [.connected, .disconnected])
            #expect(events.map(\.inputID) == [input.uid, input.uid])
            await recorder.stop()
        }
    }

    @Test func aWrongOrMissingSecretIsRefused() async throws {
        let received = try await delivered { fake, url in
            await fake.sendNotification(inputID: Self.input, event: .connected, to: url, secret: "not-the-secret")
            await fake.sendNotification(inputID: Self.input, event: .connected, to: url, secret: nil)
            await fake.sendNotification(inputID: Self.input, event: .connected, to: url, secret: CloudflareTestHarness.webhookSecret + "x")
        }
        var errors: [LiveInputWebhookError] = []
        for request in received {
            do { _ = try verifier.verify(headers: request.headers, body: request.body) } catch { errors.append(error) }
        }
        #expect(errors == [.wrongSecret, .missingAuth, .wrongSecret])
        #expect(errors.map(\.httpStatus) == [401, 401, 401])
        #expect(errors.allSatisfy { !"\($0)".contains("not-the-secret") && !"\($0)".contains(CloudflareTestHarness.webhookSecret) })
    }

    @Test func theHeaderNameIsCaseInsensitive() throws {
        let body = FakeCloudflare.notificationBody(inputID: Self.input, event: .connected)
        let notification = try verifier.verify(headers: ["CF-Webhook-Auth": CloudflareTestHarness.webhookSecret], body: body)
        #expect(notification.event == .connected)
    }

    @Test(arguments: [
        ("not json", "not JSON"),
        (#"{"name":"x","ts":1}"#, "data is missing"),
        (#"{"data":{"event_type":"live_input.connected"}}"#, "data.input_id is missing"),
        (#"{"data":{"input_id":"abc"}}"#, "data.event_type is missing"),
        (#"{"data":{"input_id":7,"event_type":"live_input.connected"}}"#, "data.input_id has the wrong type"),
        (#"{"data":{"input_id":"","event_type":"live_input.connected"}}"#, "data.input_id is empty"),
        ("[]", "wrong type"),
    ])
    func malformedBodiesAreRefusedSayingWhy(body: String, reason: String) throws {
        let error = #expect(throws: LiveInputWebhookError.self) {
            try verifier.verify(headers: ["cf-webhook-auth": CloudflareTestHarness.webhookSecret], body: Array(body.utf8))
        }
        #expect(error?.httpStatus == 400)
        #expect(error?.description.contains(reason) == true, "\(String(describing: error))")
    }

    @Test func aMalformedBodyWithoutTheSecretIsAnAuthFailureFirst() {
        let error = #expect(throws: LiveInputWebhookError.self) { try verifier.verify(headers: [:], body: Array("junk".utf8)) }
        #expect(error == .missingAuth)
    }

    @Test func anUnknownEventTypeIsKeptNotRefused() throws {
        let body =
            #"{"name":"n","text":"t","data":{"notification_name":"Stream Live Input","input_id":"abc","#
            + #""event_type":"live_input.paused","updated_at":"2022-01-13T11:43:41Z"},"ts":1642074233}"#
        let notification = try verifier.verify(headers: ["cf-webhook-auth": CloudflareTestHarness.webhookSecret], body: Array(body.utf8))
        #expect(notification.event == .other("live_input.paused"))
        #expect(notification.ts == 1_642_074_233)
    }
}
