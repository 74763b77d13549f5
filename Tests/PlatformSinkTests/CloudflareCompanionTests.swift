import CloudflareSink
import Foundation
import RelayConfig
import RelayCore
import Synchronization
import Testing
import TestSupport

/// The `cloudflare` companion against the Cloudflare fake: a relay's live input from
/// prepare to cleanup, a refused token, orphans after a crash, and notifications.
@Suite(.serialized)
struct CloudflareCompanionTests {
    let fake: FakeCloudflare
    let ledger = MemoryLedger()

    init() async throws {
        fake = try await FakeCloudflare.start(.init(ingestURL: "rtmps://127.0.0.1:4443/live/"))
    }

    func platform(_ name: String = "cf", token: String = FakeCloudflare.Configuration.writeToken, extra: String = "") -> String {
        """
          \(name):
            type: cloudflare
            account_id: \(fake.configuration.accountID)
            api_token: "\(token)"
            customer_code: \(fake.configuration.customerCode)
            api_url: "\(fake.apiURL)"
            customer_url: "\(fake.customerURL)"
            viewers_interval: 0s
            webhook_secret: hook-secret
        \(extra)

        """
    }

    func companion(_ config: GatewayConfig) async throws -> any RelayCompanion {
        var context = quietContext
        context.ledger = ledger
        let companion = try CloudflareCompanionPlugin.makeCompanion(settings: CloudflareCompanionPlugin.Settings(), context: context)
        await companion.configure(platforms: config.platforms.mapValues(\.sink))
        return companion
    }

    @Test func aRelayGetsItsOwnInputForItsLifeAndNothingIsLeftBehind() async throws {
        let config = try loadPlatforms(platform())
        let companion = try await companion(config)
        let relay = try companionRelay(config, platform: "cf")
        let grant = try await granted(companion, relay, events: RecordedEvents())
        let input = try #require(fake.liveInputs().first)
        #expect(grant.values["url"] == "rtmps://127.0.0.1:4443/live/\(input.streamKey)")
        #expect(grant.playbackURL == "\(fake.customerURL)/\(input.uid)/manifest/video.m3u8")
        #expect(input.meta["relaygate_channel"]?.stringValue == "seller_42" && input.meta["relaygate_platform"]?.stringValue == "cf")
        #expect(input.recording["timeoutSeconds"]?.intValue == 30)
        #expect(companion.status(relay)?.id == input.uid)
        #expect(await ledger.resources(of: "cloudflare").map(\.id) == [input.uid])

        await companion.cleanup(relay)
        #expect(fake.liveInputs().isEmpty)
        #expect(await ledger.resources(of: "cloudflare").isEmpty)
        #expect(companion.status(relay) == nil)
        await companion.shutdown()
    }

    @Test func aRefusedTokenRefusesTheOutputNamingTheSettingNotTheToken() async throws {
        let config = try loadPlatforms(platform(token: FakeCloudflare.Configuration.noStreamToken))
        let companion = try await companion(config)
        let relay = try companionRelay(config, platform: "cf")
        let events = RecordedEvents()
        let grant = try await granted(companion, relay, events: events)
        let reason = try #require(grant.values[StageGrant.refusalKey])
        #expect(reason.contains("api_token") && reason.contains("403") && grant.values["url"] == nil, "\(reason)")
        #expect(!reason.contains(FakeCloudflare.Configuration.noStreamToken))
        #expect(companion.status(relay)?.state == "failed")
        #expect(events.notes.withLock { $0 }.isEmpty, "an auth error is not retried")
        await companion.cleanup(relay)
        await companion.shutdown()
    }

    @Test func passingErrorsAreRetriedEachARelayEvent() async throws {
        let config = try loadPlatforms(platform())
        let companion = try await companion(config)
        fake.failNext(2, with: .serverError(502), on: .create)
        let events = RecordedEvents()
        let relay = try companionRelay(config, platform: "cf")
        let grant = try await granted(companion, relay, events: events)
        #expect(grant.values["url"] != nil)
        let notes = events.notes.withLock { $0 }
        #expect(notes.filter { $0.hasPrefix("platform call retried: create live input: retry") }.count == 2, "\(notes)")
        await companion.cleanup(relay)
        await companion.shutdown()
    }

    @Test func afterACrashOrphansAreDeletedAndARunningRelaysInputIsKept() async throws {
        let config = try loadPlatforms(platform())
        let companion = try await companion(config)
        let running = try companionRelay(config, platform: "cf")
        _ = try await granted(companion, running)
        let kept = try #require(fake.liveInputs().first?.uid)
        // One in the ledger, one found only by its meta: both of relays that are gone.
        let recorded = fake.seedLiveInput(meta: ["name": "someone's"])
        await ledger.record(
            ProvisionedResource(companion: "cloudflare", platform: "cf", kind: "cloudflare-live-input", id: recorded, route: "sellers", channel: "seller_7"))
        let tagged = fake.seedLiveInput(meta: ["relaygate_channel": "seller_9", "relaygate_route": "sellers", "relaygate_platform": "cf"])
        let foreign = fake.seedLiveInput(meta: ["name": "not relaygate's"])

        await companion.run(relays: [running.id])
        let left = Set(fake.liveInputs().map(\.uid))
        #expect(left == [kept, foreign], "recorded \(recorded), tagged \(tagged)")
        #expect(await ledger.resources(of: "cloudflare").map(\.id) == [kept])
        await companion.cleanup(running)
        await companion.shutdown()
    }

    @Test func notificationsNeedTheSecretAndSetTheOutputsState() async throws {
        let config = try loadPlatforms(platform())
        let companion = try await companion(config)
        let receiver = try #require(companion as? any WebhookReceiver)
        let relay = try companionRelay(config, platform: "cf")
        _ = try await granted(companion, relay, events: RecordedEvents())
        let uid = try #require(fake.liveInputs().first?.uid)
        func body(_ event: String, extra: String = "") -> [UInt8] {
            Array(#"{"name":"n","text":"t","data":{"notification_name":"Stream Live Input","input_id":"\#(uid)","event_type":"\#(event)","updated_at":"2022-01-13T11:43:41.855717910Z"\#(extra)},"ts":1642074233}"#.utf8)
        }
        #expect(await receiver.receive(WebhookRequest(headers: [:], body: body("live_input.connected"))).status == 401)
        #expect(await receiver.receive(WebhookRequest(headers: ["cf-webhook-auth": "nope"], body: body("live_input.connected"))).status == 401)
        #expect(await receiver.receive(WebhookRequest(headers: ["cf-webhook-auth": "hook-secret"], body: Array("{".utf8))).status == 400)
        let connected = await receiver.receive(WebhookRequest(headers: ["cf-webhook-auth": "hook-secret"], body: body("live_input.connected")))
        #expect(connected == .ok("applied") && companion.status(relay)?.state == "connected")
        let errored = body(
            "live_input.errored", extra: #","live_input_errored":{"error":{"code":"ERR_GOP_OUT_OF_RANGE","message":"keyframes too far apart"}}"#)
        #expect(await receiver.receive(WebhookRequest(headers: ["cf-webhook-auth": "hook-secret"], body: errored)).status == 200)
        let status = companion.status(relay)
        #expect(status?.state == "errored" && status?.lastError?.contains("ERR_GOP_OUT_OF_RANGE") == true, "\(String(describing: status))")
        await companion.cleanup(relay)
        await companion.shutdown()
    }
}
