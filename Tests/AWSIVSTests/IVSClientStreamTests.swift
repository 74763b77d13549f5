import AWSIVS
import AWSSigV4
import Foundation
import TestSupport
import Testing

/// A channel's live stream: state, health, viewers, stopping it.
@Suite struct IVSClientStreamTests {
    @Test func offlineIsAStateNotAnError() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        let arn = try await client.createChannel(IVSChannelSpec(name: "quiet")).channel.arn
        #expect(try await client.getStream(channelArn: arn) == .offline)
        #expect(try await client.stopStream(channelArn: arn) == false)
        let answers = try await fake.requests().filter { $0.operation != "CreateChannel" }
        #expect(answers.map(\.error) == ["ChannelNotBroadcasting", "ChannelNotBroadcasting"])
        #expect(answers.map(\.status) == [404, 404])
    }

    @Test func liveStreamReportsViewersAndHealth() async throws {
        let fake = try await FakeIVS.start()
        let client = try makeClient(fake)
        let created = try await client.createChannel(IVSChannelSpec(name: "busy"))
        let arn = created.channel.arn
        try await fake.goLive(channelArn: arn, viewerCount: 17)

        let stream = try #require(try await client.getStream(channelArn: arn).stream)
        #expect(stream.viewerCount == 17)
        #expect(stream.health == .healthy)
        #expect(stream.channelArn == arn)
        #expect(stream.playbackUrl == created.channel.playbackUrl)
        #expect(stream.streamId.wholeMatch(of: /st-[a-zA-Z0-9]{23}/) != nil)
        #expect(stream.startTime != nil)

        try await fake.setHealth("STARVING", channelArn: arn)
        try await fake.setViewerCount(0, channelArn: arn)
        let starving = try #require(try await client.getStream(channelArn: arn).stream)
        #expect(starving.health == .starving)
        #expect(starving.viewerCount == 0)

        #expect(try await client.stopStream(channelArn: arn) == true)
        #expect(try await client.getStream(channelArn: arn) == .offline)
        let stops = try await fake.requests().filter { $0.operation == "StopStream" }
        #expect(stops.map(\.body) == [["channelArn": .string(arn)]])
    }

    /// -1 means IVS's count timed out: asked again after the backoff, never shown as a count.
    @Test func viewerCountMinusOneIsAskedAgain() async throws {
        let fake = try await FakeIVS.start()
        let clock = ManualAsyncClock()
        let client = try makeClient(fake, clock: clock)
        let arn = try await client.createChannel(IVSChannelSpec(name: "counting")).channel.arn
        try await fake.goLive(channelArn: arn, viewerCount: -1)

        let task = Task { try await client.getStream(channelArn: arn) }
        #expect(await eventually(timeout: .seconds(20), every: .milliseconds(10)) { clock.sleeperCount == 1 })
        try await fake.setViewerCount(9, channelArn: arn)
        clock.advance(by: .milliseconds(200))
        #expect(try await task.value.stream?.viewerCount == 9)

        // Still -1 after every attempt: the count is unknown (nil), not -1.
        try await fake.setViewerCount(-1, channelArn: arn)
        let status = try await whileAdvancing(clock, by: [.milliseconds(200), .milliseconds(400), .milliseconds(800)]) {
            try await client.getStream(channelArn: arn)
        }
        let stream = try #require(status.stream)
        #expect(stream.viewerCount == nil)
        #expect(try await fake.requests().filter { $0.operation == "GetStream" }.count == 2 + 4)
    }
}
