import Logging
import NIOCore
import NIOEmbedded
import RelayCore
import RTMPProtocol
import WorkerProtocol
import Testing

@testable import RTMPIngest

/// An endpoint between a publisher and a worker's feed, both EmbeddedChannels on one
/// EmbeddedEventLoop (the ingest server's single loop in miniature).
@Suite struct EndpointTests {
    let loop = EmbeddedEventLoop()
    let registration = IngestRegistration(relay: "studio/cam", app: "live", key: "k1", takeover: false)

    func endpoint(takeover: Bool = false) -> Endpoint {
        var registration = registration
        registration.takeover = takeover
        return Endpoint(registration: registration, loop: loop, logger: Logger(label: "test"))
    }

    func publisher() -> (channel: EmbeddedChannel, id: ObjectIdentifier, counters: ConnectionCounters) {
        let channel = EmbeddedChannel(loop: loop)
        return (channel, ObjectIdentifier(channel), ConnectionCounters())
    }

    let info = IngestPublisher(address: "10.0.0.9:5000", app: "live", encoder: "FMLE/3.0 (compatible; Lavf59)")

    static func video(_ timestamp: UInt32, keyframe: Bool, sequenceHeader: Bool = false) -> RTMPMediaMessage {
        let first: UInt8 = (keyframe ? 0x10 : 0x20) | 7
        return RTMPMediaMessage(
            kind: .video, timestamp: timestamp, payload: ByteBuffer(bytes: [first, sequenceHeader ? 0 : 1, 0, 0, 0, 9, 9]))
    }

    static func audio(_ timestamp: UInt32, sequenceHeader: Bool = false) -> RTMPMediaMessage {
        RTMPMediaMessage(kind: .audio, timestamp: timestamp, payload: ByteBuffer(bytes: [0xAF, sequenceHeader ? 0 : 1, 0x12, 0x10]))
    }

    static let metadata: RTMPMediaMessage = {
        var payload = ByteBuffer()
        payload.writeInteger(UInt8(2))
        payload.writeInteger(UInt16(10))
        payload.writeString("onMetaData")
        return RTMPMediaMessage(kind: .data, timestamp: 0, payload: payload)
    }()

    /// Everything the endpoint has sent to the feed so far (after the flush that ends a
    /// publisher's read), decoded.
    func frames(_ feed: EmbeddedChannel, _ endpoint: Endpoint) throws -> [IngestMessage] {
        endpoint.flush()
        var decoder = IngestFrame.Decoder()
        while let buffer = try feed.readOutbound(as: ByteBuffer.self) { decoder.append(buffer.readableBytesView) }
        var messages: [IngestMessage] = []
        while let message = try decoder.next() { messages.append(message) }
        return messages
    }

    func media(_ messages: [IngestMessage]) -> [(IngestMedia.Kind, Int64)] {
        messages.compactMap { if case .media(let media) = $0 { (media.kind, media.timestamp) } else { nil } }
    }

    @Test func aWorkerGetsThePublishThenMediaWithTimestampsUnwrapped() throws {
        let endpoint = endpoint()
        let feed = EmbeddedChannel(loop: loop)
        endpoint.attach(feed)
        let (channel, id, counters) = publisher()
        #expect(endpoint.claim(id: id, channel: channel, info: info, counters: counters) == .accepted)
        endpoint.forward(Self.metadata, from: id)
        endpoint.forward(Self.video(0xFFFF_FFF0, keyframe: true, sequenceHeader: true), from: id)
        endpoint.forward(Self.video(0xFFFF_FFF0, keyframe: true), from: id)
        endpoint.forward(Self.audio(0xFFFF_FFFA), from: id)
        endpoint.forward(Self.video(0x0000_0010, keyframe: false), from: id)

        let messages = try frames(feed, endpoint)
        #expect(messages.first == .publish(info))
        #expect(media(messages).map(\.1) == [0, 0xFFFF_FFF0, 0xFFFF_FFF0, 0xFFFF_FFFA, 0x1_0000_0010])
        #expect(endpoint.status().publisher?.address == "10.0.0.9:5000")
    }

    @Test func mediaLeavesOnceThePublishersReadIsDone() throws {
        let endpoint = endpoint()
        let feed = EmbeddedChannel(loop: loop)
        endpoint.attach(feed)
        let (channel, id, counters) = publisher()
        _ = endpoint.claim(id: id, channel: channel, info: info, counters: counters)
        _ = try feed.readOutbound(as: ByteBuffer.self)
        endpoint.forward(Self.video(0, keyframe: true), from: id)
        endpoint.forward(Self.audio(10), from: id)
        #expect(try feed.readOutbound(as: ByteBuffer.self) == nil, "written but not yet flushed")
        #expect(media(try frames(feed, endpoint)).map(\.1) == [0, 10])
    }

    @Test func mediaWaitsForAKeyframeAndConfigurationAlwaysPasses() throws {
        let endpoint = endpoint()
        let feed = EmbeddedChannel(loop: loop)
        endpoint.attach(feed)
        let (channel, id, counters) = publisher()
        _ = endpoint.claim(id: id, channel: channel, info: info, counters: counters)
        endpoint.forward(Self.video(0, keyframe: true, sequenceHeader: true), from: id)
        endpoint.forward(Self.video(40, keyframe: false), from: id)
        endpoint.forward(Self.video(80, keyframe: true), from: id)
        endpoint.forward(Self.audio(90), from: id)
        #expect(media(try frames(feed, endpoint)).map(\.1) == [0, 80, 90])
        #expect(endpoint.status().publisher?.dropped == 1)
    }

    @Test func aWorkerBehindLosesMediaUpToTheNextKeyframeAndIsToldHowMuch() throws {
        let endpoint = endpoint()
        let feed = EmbeddedChannel(loop: loop)
        endpoint.attach(feed)
        let (channel, id, counters) = publisher()
        _ = endpoint.claim(id: id, channel: channel, info: info, counters: counters)
        endpoint.forward(Self.video(0, keyframe: true), from: id)
        _ = try frames(feed, endpoint)

        feed.isWritable = false
        endpoint.forward(Self.video(40, keyframe: false), from: id)
        endpoint.forward(Self.audio(50), from: id)
        feed.isWritable = true
        // Writable again, but the pictures now would refer to lost ones.
        endpoint.forward(Self.video(80, keyframe: false), from: id)
        endpoint.forward(Self.audio(90), from: id)
        endpoint.forward(Self.video(120, keyframe: true), from: id)
        let messages = try frames(feed, endpoint)
        #expect(messages.first == .dropped(count: 4))
        #expect(media(messages).map(\.1) == [120])
    }

    @Test func aNewWorkerGetsTheLivePublishersHeadersFirst() throws {
        let endpoint = endpoint()
        let (channel, id, counters) = publisher()
        _ = endpoint.claim(id: id, channel: channel, info: info, counters: counters)
        // No worker yet: configuration is kept, media dropped.
        endpoint.forward(Self.metadata, from: id)
        endpoint.forward(Self.video(0, keyframe: true, sequenceHeader: true), from: id)
        endpoint.forward(Self.audio(0, sequenceHeader: true), from: id)
        endpoint.forward(Self.video(0, keyframe: true), from: id)

        let feed = EmbeddedChannel(loop: loop)
        endpoint.attach(feed)
        endpoint.forward(Self.video(40, keyframe: false), from: id)
        endpoint.forward(Self.video(2000, keyframe: true), from: id)
        let messages = try frames(feed, endpoint)
        #expect(messages.first == .publish(info))
        #expect(media(messages).map(\.0) == [.data, .video, .audio, .video])
        #expect(media(messages).last?.1 == 2000)
    }

    @Test func aSecondPublisherIsRefusedUnlessTheEndpointTakesOver() throws {
        let strict = endpoint()
        let first = publisher(), second = publisher()
        #expect(strict.claim(id: first.id, channel: first.channel, info: info, counters: first.counters) == .accepted)
        #expect(strict.claim(id: second.id, channel: second.channel, info: info, counters: second.counters) == .busy)
        #expect(strict.status().refused == 1)

        let lenient = endpoint(takeover: true)
        let feed = EmbeddedChannel(loop: loop)
        lenient.attach(feed)
        let old = publisher(), new = publisher()
        try old.channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        _ = lenient.claim(id: old.id, channel: old.channel, info: info, counters: old.counters)
        let newInfo = IngestPublisher(address: "10.0.0.10:6000", app: "live")
        #expect(lenient.claim(id: new.id, channel: new.channel, info: newInfo, counters: new.counters) == .accepted)
        #expect(!old.channel.isActive, "the replaced publisher is disconnected")
        // The old one's late media and leave no longer count.
        lenient.forward(Self.video(0, keyframe: true), from: old.id)
        lenient.release(id: old.id, reason: "gone")
        #expect(lenient.status().publisher?.address == "10.0.0.10:6000")
        let messages = try frames(feed, lenient)
        #expect(messages.map { if case .unpublish = $0 { "unpublish" } else if case .publish(let p) = $0 { p.address } else { "media" } }
            == ["10.0.0.9:5000", "unpublish", "10.0.0.10:6000"])
    }

    @Test func closingTheEndpointDisconnectsThePublisherAndTheFeed() throws {
        let endpoint = endpoint()
        let feed = EmbeddedChannel(loop: loop)
        try feed.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        endpoint.attach(feed)
        let (channel, id, counters) = publisher()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        _ = endpoint.claim(id: id, channel: channel, info: info, counters: counters)
        endpoint.close()
        #expect(!channel.isActive && !feed.isActive)
        #expect(endpoint.status().publisher == nil)
        let again = publisher()
        #expect(endpoint.claim(id: again.id, channel: again.channel, info: info, counters: again.counters) == .gone)
    }
}

@Suite struct TimestampUnwrapperTests {
    @Test func wrapsForwardAndToleratesSmallStepsBack() {
        var clock = TimestampUnwrapper()
        let raw: [UInt32] = [0xFFFF_FF00, 0xFFFF_FFF0, 0x10, 0x08, 0xFFFF_FFF8, 0x20, 0x8000_0000]
        #expect(raw.map { clock.unwrap($0) } == [0xFFFF_FF00, 0xFFFF_FFF0, 0x1_0000_0010, 0x1_0000_0008, 0xFFFF_FFF8, 0x1_0000_0020, 0x1_8000_0000])
    }
}
