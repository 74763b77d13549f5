import AWSIVS
import AWSSigV4
import Foundation
import TestSupport
import Testing

/// Channels and stream keys against the fake IVS: what a relay creates, reads and deletes.
@Suite struct IVSClientChannelTests {
    @Test func createChannelGivesEverythingToPublishAndPlay() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        let created = try await client.createChannel(
            IVSChannelSpec(name: "relay-shop_42", latencyMode: .low, type: .basic, tags: ["relaygate-relay": "shop-42"]))

        #expect(created.channel.arn.wholeMatch(of: /arn:aws:ivs:us-east-1:[0-9]+:channel\/[a-zA-Z0-9-]+/) != nil)
        #expect(created.channel.name == "relay-shop_42")
        #expect(created.channel.type == .basic)
        #expect(created.channel.latencyMode == .low)
        #expect(created.channel.playbackUrl.hasPrefix("https://") && created.channel.playbackUrl.hasSuffix(".m3u8"))
        #expect(created.streamKey.channelArn == created.channel.arn)
        #expect(created.streamKey.value.revealed.hasPrefix("sk_us-east-1_"))
        #expect(created.ingest.url == "rtmps://ingest.example.com:443/app/\(created.streamKey.value.revealed)")
        #expect("\(created.ingest)" == "rtmps://ingest.example.com:443/app/***")
        #expect(!"\(created)".contains(created.streamKey.value.revealed))

        let sent = try await fake.requests().filter { $0.operation == "CreateChannel" }
        #expect(sent.count == 1)
        #expect(sent.first?.body["name"] == "relay-shop_42")
        #expect(sent.first?.body["latencyMode"] == "LOW")
        #expect(sent.first?.body["type"] == "BASIC")
        #expect(sent.first?.body["tags"] == ["relaygate-relay": "shop-42"])
        #expect(sent.first?.signedHeaders == ["content-type", "host", "x-amz-date"])

        let read = try await client.getChannel(arn: created.channel.arn)
        #expect(read == created.channel)
        let keys = try await client.listStreamKeys(channelArn: created.channel.arn)
        #expect(keys.map(\.arn) == [created.streamKey.arn])
        let key = try await client.getStreamKey(arn: created.streamKey.arn)
        #expect(key.value == created.streamKey.value)
    }

    @Test func ingestEndpointCanPointAtALocalServer() async throws {
        let fake = try await FakeIVS.start()
        try await fake.setIngestEndpoint("127.0.0.1:44321")
        let client = try makeClient(fake)
        let created = try await client.createChannel(IVSChannelSpec(name: "local"))
        #expect(created.ingest.url == "rtmps://127.0.0.1:44321/app/\(created.streamKey.value.revealed)")
        #expect(created.channel.ingestEndpoint == "127.0.0.1:44321")
    }

    @Test func invalidNamesAndTagsAreRefusedBeforeSending() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        for spec in [
            IVSChannelSpec(name: "has space"), IVSChannelSpec(name: String(repeating: "a", count: 129)),
            IVSChannelSpec(name: "ok", tags: ["": "empty key"]),
        ] {
            let error = try await #require(throws: IVSError.self) { try await client.createChannel(spec) }
            #expect(error.kind == .invalidRequest)
        }
        #expect(try await fake.requests().isEmpty)
        // The fake refuses what IVS refuses, so a client that skipped the check would fail too.
        let sneaky = IVSChannelSpec(name: "ok", latencyMode: IVSLatencyMode(rawValue: "FAST"))
        let refused = try await #require(throws: IVSError.self) { try await client.createChannel(sneaky) }
        #expect(refused.name == "ValidationException")
        #expect(refused.status == 400)
        #expect(refused.kind == .invalidRequest)
    }

    @Test func orphansAreFoundByTagAndByName() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        let mine = try await client.createChannel(IVSChannelSpec(name: "relay-a", tags: ["relaygate-relay": "a"]))
        _ = try await client.createChannel(IVSChannelSpec(name: "relay-b", tags: ["relaygate-relay": "b"]))
        _ = try await client.createChannel(IVSChannelSpec(name: "someone-else"))

        let tagged = try await client.channels(taggedWith: "relaygate-relay")
        #expect(Set(tagged.compactMap(\.name)) == ["relay-a", "relay-b"])
        #expect(try await client.channels(taggedWith: "relaygate-relay", value: "a").map(\.arn) == [mine.channel.arn])
        #expect(try await client.allChannels(filterByName: "relay-a").map(\.arn) == [mine.channel.arn])

        let page = try await client.listChannels(maxResults: 2)
        #expect(page.channels.count == 2)
        #expect(page.nextToken != nil)
        #expect(try await client.allChannels().count == 3)
    }

    @Test func deletingALiveChannelConflictsUntilStopped() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        let arn = try await client.createChannel(IVSChannelSpec(name: "live-one")).channel.arn
        try await fake.goLive(channelArn: arn)

        let conflict = try await #require(throws: IVSError.self) { try await client.deleteChannel(arn: arn) }
        #expect(conflict.kind == .conflict)
        #expect(conflict.status == 409)
        #expect(conflict.name == "ConflictException")
        #expect(try await fake.channelArns() == [arn])

        #expect(try await client.stopStream(channelArn: arn) == true)
        #expect(try await client.getStream(channelArn: arn) == .offline)
        try await client.deleteChannel(arn: arn)
        #expect(try await fake.channelArns().isEmpty)
        let gone = try await #require(throws: IVSError.self) { try await client.getChannel(arn: arn) }
        #expect(gone.kind == .notFound)
        #expect(gone.status == 404)
        let deletes = try await fake.requests().filter { $0.operation == "DeleteChannel" }
        #expect(deletes.map(\.status) == [409, 204])
        #expect(deletes.allSatisfy { $0.body == ["arn": .string(arn)] })
    }

    @Test func oneStreamKeyPerChannelRotatedByDeleteThenCreate() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        let created = try await client.createChannel(IVSChannelSpec(name: "rotate"))
        let second = try await #require(throws: IVSError.self) { try await client.createStreamKey(channelArn: created.channel.arn) }
        #expect(second.kind == .quotaExceeded)
        #expect(second.status == 402)

        try await client.deleteStreamKey(arn: created.streamKey.arn)
        #expect(try await client.listStreamKeys(channelArn: created.channel.arn).isEmpty)
        let fresh = try await client.createStreamKey(channelArn: created.channel.arn, tags: ["relaygate-relay": "r"])
        #expect(fresh.value != created.streamKey.value)
        #expect(fresh.channelArn == created.channel.arn)
        #expect(try await client.listStreamKeys(channelArn: created.channel.arn).map(\.arn) == [fresh.arn])
        let revoked = try await #require(throws: IVSError.self) { try await client.getStreamKey(arn: created.streamKey.arn) }
        #expect(revoked.kind == .notFound)
    }
}
