import AsyncHTTPClient
import CloudflareStream
import Testing
import TestSupport

/// The client against the fake: what it sends, and what it makes of the answers.
@Suite(.timeLimit(.minutes(1))) struct LiveInputClientTests {
    @Test func createSendsAutomaticRecordingAndTheRelayMeta() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let input = try await client.createLiveInput(
                LiveInputRequest(relay: CloudflareTestHarness.relay, timeoutSeconds: 10, deleteRecordingAfterDays: 45))

            let requests = fake.requests()
            #expect(requests.map(\.line) == ["POST /client/v4/accounts/\(fake.configuration.accountID)/stream/live_inputs"])
            #expect(requests[0].header("Authorization") == "Bearer \(FakeCloudflare.Configuration.writeToken)")
            #expect(requests[0].header("Content-Type") == "application/json")
            let body = try #require(requests[0].json)
            #expect(
                body
                    == [
                        "meta": [
                            "relaygate_channel": "seller-42", "relaygate_route": "cloudflare-hls", "name": "relaygate cloudflare-hls: seller-42",
                        ],
                        "recording": ["mode": "automatic", "timeoutSeconds": 10],
                        "deleteRecordingAfterDays": 45,
                    ])

            let stored = try #require(fake.liveInput(input.uid))
            #expect(input.uid.count == 32 && input.uid.allSatisfy(\.isHexDigit))
            #expect(input.rtmps?.url == fake.configuration.ingestURL)
            #expect(input.rtmps?.streamKey.revealed() == stored.streamKey)
            #expect(input.rtmps?.publishURL.revealed() == fake.configuration.ingestURL + stored.streamKey)
            #expect(input.recording?.mode == "automatic")
            #expect(input.recording?.timeoutSeconds == 10)
            #expect(input.deleteRecordingAfterDays == 45)
            #expect(input.relayTag == CloudflareTestHarness.relay)
            #expect(input.status == nil)
        }
    }

    @Test func createWithoutDeletionOmitsTheField() async throws {
        try await CloudflareTestHarness.run { fake, client in
            _ = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            let body = try #require(fake.requests().first?.json)
            #expect(body["deleteRecordingAfterDays"] == nil)
            #expect(body.value(at: "recording.timeoutSeconds") == 0)
        }
    }

    @Test func createRefusesADeletionOutsideTheRangeWithoutSending() async throws {
        try await CloudflareTestHarness.run { fake, client in
            for days in [29, 1097] {
                let error = await #expect(throws: CloudflareStreamError.self) {
                    try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay, deleteRecordingAfterDays: days))
                }
                #expect(error?.kind == .invalidRequest)
            }
            #expect(fake.requests().isEmpty)
        }
    }

    @Test func getReadsTheInputAndItsStatusAsAString() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let created = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            #expect(try await client.liveInput(created.uid).status == nil)
            await fake.setLive(created.uid, true)
            let live = try await client.liveInput(created.uid)
            #expect(live.status == .connected)
            #expect(live.status?.isLive == true)
            #expect(live.rtmps?.streamKey == created.rtmps?.streamKey)
            await fake.setLive(created.uid, false)
            #expect(try await client.liveInput(created.uid).status == .clientDisconnect)
            #expect(fake.requests().last?.line == "GET /client/v4/accounts/\(fake.configuration.accountID)/stream/live_inputs/\(created.uid)")
        }
    }

    @Test func getReadsTheStatusInTheObjectShape() async throws {
        try await CloudflareTestHarness.run(FakeCloudflare.Configuration(statusShape: .object)) { fake, client in
            let created = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            await fake.setLive(created.uid, true)
            #expect(try await client.liveInput(created.uid).status == .connected)
            await fake.setLive(created.uid, false)
            let offline = try await client.liveInput(created.uid).status
            #expect(offline == .disconnected)
            #expect(offline?.isLive == false)
        }
    }

    @Test func listGivesTheDocumentedFieldsAndSaysWhenItIsIncomplete() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let orphan = fake.seedLiveInput(meta: ["relaygate_channel": "old-seller", "relaygate_route": "cloudflare-hls"])
            let foreign = fake.seedLiveInput(meta: ["name": "someone else's", "count": 3])
            let mine = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            fake.setListLimit(2)

            let first = try await client.listLiveInputs()
            #expect(fake.requests().last?.query == "include_counts=true")
            #expect(first.liveInputs.map(\.uid) == [orphan, foreign])
            #expect(first.total == 3)
            #expect(!first.isComplete)
            #expect(first.liveInputs[0].relayTag == RelayTag(channel: "old-seller", route: "cloudflare-hls"))
            #expect(first.liveInputs[1].relayTag == nil)
            #expect(first.liveInputs[1].meta == ["name": "someone else's"])

            // The sweep deletes what it found and lists again: the rest comes up.
            try await client.deleteLiveInput(orphan)
            let second = try await client.listLiveInputs()
            #expect(second.liveInputs.map(\.uid) == [foreign, mine.uid])
            #expect(second.isComplete)
        }
    }

    @Test func theOrphanSweepDeletesTaggedInputsBeyondOneListAnswer() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let first = fake.seedLiveInput(meta: ["relaygate_channel": "a", "relaygate_route": "r"])
            let foreign = fake.seedLiveInput(meta: ["name": "not ours"])
            let second = fake.seedLiveInput(meta: ["relaygate_channel": "b", "relaygate_route": "r"])
            let running = fake.seedLiveInput(meta: ["relaygate_channel": "live-seller", "relaygate_route": "r"])
            fake.setListLimit(2)

            let deleted = try await client.deleteOrphans { $0.relayTag != nil && $0.relayTag?.channel != "live-seller" }
            #expect(deleted == [first, second])
            #expect(fake.liveInputs().map(\.uid) == [foreign, running])
        }
    }

    @Test func deleteRemovesAndTreatsA404AsAlreadyGone() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let input = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            #expect(try await client.deleteLiveInput(input.uid) == .deleted)
            #expect(fake.liveInputs().isEmpty)
            #expect(try await client.deleteLiveInput(input.uid) == .alreadyGone)
            #expect(fake.requests().suffix(2).map(\.status) == [200, 404])
            let error = await #expect(throws: CloudflareStreamError.self) { try await client.liveInput(input.uid) }
            #expect(error?.kind == .notFound)
            #expect(error?.status == 404)
        }
    }

    @Test func lifecycleAndViewersComeFromTheCustomerDomainWithoutTheToken() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let input = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            #expect(try await client.lifecycle(of: input.uid) == LiveInputLifecycle(isInput: true, videoUID: nil, live: false))
            #expect(try await client.liveViewers(of: input.uid) == 0)

            await fake.setLive(input.uid, true)
            fake.setLiveViewers(input.uid, 113)
            let lifecycle = try await client.lifecycle(of: input.uid)
            #expect(lifecycle.live)
            #expect(lifecycle.videoUID != nil && lifecycle.videoUID == fake.liveInput(input.uid)?.videoUID)
            #expect(try await client.liveViewers(of: input.uid) == 113)

            let customer = fake.requests().filter { $0.host == .customerDomain }
            let reads = ["GET /\(input.uid)/lifecycle", "GET /\(input.uid)/views"]
            #expect(customer.map(\.line) == reads + reads)
            #expect(customer.allSatisfy { $0.header("Authorization") == nil })
        }
    }

    @Test func playbackURLIsTheCustomerDomainManifest() throws {
        let settings = try CloudflareStreamSettings(
            accountID: "023e105f4ecef8ad9ca31a8372d0c353", apiToken: CloudflareSecret("t"), customerCode: "f33zs165nr7gyfy4")
        let client = CloudflareStreamClient(settings: settings, http: .shared)
        #expect(
            client.playbackURL(of: "66be4bf738797e01e1fca35a7bdecdcd")
                == "https://customer-f33zs165nr7gyfy4.cloudflarestream.com/66be4bf738797e01e1fca35a7bdecdcd/manifest/video.m3u8")
        #expect(settings.apiURL == "https://api.cloudflare.com/client/v4")
    }

    @Test func anIDThatIsNot32HexIsRefusedBeforeSending() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let error = await #expect(throws: CloudflareStreamError.self) { try await client.deleteLiveInput("../../zones") }
            #expect(error?.kind == .invalidRequest)
            #expect(fake.requests().isEmpty)
        }
    }
}
