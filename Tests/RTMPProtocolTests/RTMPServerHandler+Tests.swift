import NIOCore
import NIOEmbedded
import Testing
import TestSupport

@testable import RTMPProtocol

@Suite struct RTMPServerHandlerTests {
    /// A connected (active) channel with the handler, its handshake randomness seeded.
    static func channel(_ configuration: RTMPServerConfiguration = RTMPServerConfiguration()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RTMPServerHandler(configuration: configuration, randomNumberGenerator: SplitMix64(seed: 1)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        return channel
    }

    /// Everything the handler wrote so far, as one buffer.
    static func outbound(_ channel: EmbeddedChannel) throws -> ByteBuffer {
        var all = ByteBuffer()
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            all.writeImmutableBuffer(buffer)
        }
        return all
    }

    static func events(_ channel: EmbeddedChannel) throws -> [RTMPServerEvent] {
        var events: [RTMPServerEvent] = []
        while let event = try channel.readInbound(as: RTMPServerEvent.self) {
            events.append(event)
        }
        return events
    }

    static func media(_ events: [RTMPServerEvent]) -> [RTMPMediaMessage] {
        events.compactMap { if case .media(let message) = $0 { message } else { nil } }
    }

    /// A video payload longer than the 4096-byte chunk size both sides use after connect.
    static let keyframe = ByteBuffer(bytes: [0x17, 0x01] + (0..<9000).map { UInt8(truncatingIfNeeded: $0) })
    static let metadata: ByteBuffer = {
        var buffer = ByteBuffer()
        for value: AMF0Value in [.string("@setDataFrame"), .string("onMetaData"), .ecmaArray([AMF0Property("width", .number(1280))])] {
            buffer.writeAMF0Value(value)
        }
        return buffer
    }()

    /// The client's bytes up to `publish`, as FFmpeg sends them: C0C1; C2 with `connect`;
    /// its Set Chunk Size (mirroring ours), `releaseStream`, `FCPublish`, `createStream`; `publish`.
    static func publishingClient() -> (client: RTMPTestClient, steps: [ByteBuffer]) {
        var (client, steps) = Self.connectingClient()
        var setup = client.chunks(.setChunkSize(4096), chunkStreamID: 2)
        setup.writeImmutableBuffer(client.command("releaseStream", 2, .null, .string("key")))
        setup.writeImmutableBuffer(client.command("FCPublish", 3, .null, .string("key")))
        setup.writeImmutableBuffer(client.command("createStream", 4))
        let publish = client.command("publish", 5, .null, .string("key?token=abc"), .string("live"), streamID: 1)
        return (client, steps + [setup, publish])
    }

    /// The client's bytes up to `connect`: C0C1, then C2 with `connect`.
    static func connectingClient() -> (client: RTMPTestClient, steps: [ByteBuffer]) {
        var client = RTMPTestClient()
        var c2Connect = RTMPTestClient.c2
        c2Connect.writeImmutableBuffer(client.command("connect", 1, RTMPTestClient.connectObject))
        return (client, [RTMPTestClient.c0c1, c2Connect])
    }

    static func mediaBytes(_ client: inout RTMPTestClient) -> ByteBuffer {
        var bytes = client.media(.amf0Data, timestamp: 0, payload: Self.metadata)
        bytes.writeImmutableBuffer(client.media(.video, timestamp: 0, payload: Self.keyframe))
        bytes.writeImmutableBuffer(client.media(.audio, timestamp: 21, payload: ByteBuffer(hex: "af01 2110")))
        bytes.writeImmutableBuffer(client.media(.video, timestamp: 33, payload: ByteBuffer(hex: "27 01 000000 aabb")))
        return bytes
    }

    static let expectedMedia = [
        RTMPMediaMessage(kind: .data, timestamp: 0, payload: Self.metadata),
        RTMPMediaMessage(kind: .video, timestamp: 0, payload: Self.keyframe),
        RTMPMediaMessage(kind: .audio, timestamp: 21, payload: ByteBuffer(hex: "af01 2110")),
        RTMPMediaMessage(kind: .video, timestamp: 33, payload: ByteBuffer(hex: "27 01 000000 aabb")),
    ]

    @Test func aWholePublishSession() throws {
        let channel = try Self.channel()
        var (client, steps) = Self.publishingClient()

        try channel.writeInbound(steps[0])
        let handshake = try Self.outbound(channel)
        #expect(handshake.readableBytes == 1 + 2 * 1536)
        #expect(try client.read(handshake).isEmpty)

        // C2 and connect arrive in one read: the connect must not be lost.
        try channel.writeInbound(steps[1])
        let connectReplies = try client.read(Self.outbound(channel))
        try #require(connectReplies.map(\.type) == [.windowAcknowledgementSize, .setPeerBandwidth, .setChunkSize, .amf0Command])
        #expect(try RTMPCommand(message: connectReplies[3]).arguments.first?["code"]?.string == "NetConnection.Connect.Success")
        let connected = try Self.events(channel)
        guard connected.count == 1, case .connected(let info) = connected[0] else {
            Issue.record("expected .connected, got \(connected)")
            return
        }
        #expect(info.app == "live")

        try channel.writeInbound(steps[2])
        let setupReplies = try client.readCommands(Self.outbound(channel))
        #expect(setupReplies.map(\.name) == ["_result", "_result", "_result"])
        #expect(setupReplies.map(\.transactionID) == [2, 3, 4])
        #expect(setupReplies.last?.arguments == [.number(1)])

        try channel.writeInbound(steps[3])
        let requested = try Self.events(channel)
        guard requested.count == 1, case .publishRequested(let request) = requested[0] else {
            Issue.record("expected .publishRequested, got \(requested)")
            return
        }
        #expect(request == RTMPPublishRequest(app: "live", streamName: "key", query: "token=abc", publishType: "live"))

        // Media before the answer is dropped.
        try channel.writeInbound(client.media(.audio, timestamp: 0, payload: ByteBuffer(hex: "af00")))
        #expect(try Self.events(channel).isEmpty)

        try channel.writeOutbound(RTMPServerCommand.acceptPublish)
        let accepted = try client.read(Self.outbound(channel))
        #expect(accepted.first == RTMPUserControlEvent.streamBegin(streamID: 1).message)
        let status = try RTMPCommand(message: #require(accepted.last))
        #expect(status.name == "onStatus")
        #expect(status.arguments.first?["code"]?.string == "NetStream.Publish.Start")
        #expect(accepted.last?.streamID == 1)

        try channel.writeInbound(Self.mediaBytes(&client))
        #expect(Self.media(try Self.events(channel)) == Self.expectedMedia)

        try channel.writeInbound(client.command("FCUnpublish", 6, .null, .string("key")))
        try channel.writeInbound(client.command("deleteStream", 7, .null, .number(1)))
        let ended = try Self.events(channel)
        #expect(ended.count == 1)
        if case .unpublished = try #require(ended.first) {} else { Issue.record("expected .unpublished, got \(ended)") }
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    @Test func aRealFFmpegPublishSession() throws {
        let capture = FFmpegPublishCapture.bytes
        let c1 = Array(capture.readableBytesView.dropFirst().prefix(1536))
        #expect(RTMPHandshakeDigest.clientDigest(in: c1) != nil, "FFmpeg's C1 should carry a valid digest")

        let channel = try Self.channel()
        try channel.pipeline.syncOperations.addHandler(PublishAnsweringHandler(.accept))
        try channel.writeInbound(capture)
        let events = try Self.events(channel)
        guard events.count > 3, case .connected(let info) = events[0], case .publishRequested(let request) = events[1],
            case .unpublished = events[events.count - 1]
        else {
            Issue.record("unexpected events: \(events)")
            return
        }
        #expect(info == RTMPConnectInfo(app: "live", tcUrl: "rtmp://127.0.0.1:19358/live", flashVer: "FMLE/3.0 (compatible; Lavf59.27.100)"))
        #expect(request == RTMPPublishRequest(app: "live", streamName: "key", query: "token=abc", publishType: "live"))

        let media = Self.media(events)
        #expect(media.map(\.kind).filter { $0 == .data }.count == 1)
        #expect(media.map(\.kind).filter { $0 == .video }.count == 5)
        #expect(media.map(\.kind).filter { $0 == .audio }.count == 7)
        let metadata = try AMF0.decodeAll(#require(media.first { $0.kind == .data }).payload)
        #expect(metadata.prefix(2) == [.string("@setDataFrame"), .string("onMetaData")])
        #expect(metadata.last?["width"]?.number == 32)
        // Sequence headers first: AVC (keyframe, packet type 0) and AAC (packet type 0).
        #expect(media.first { $0.kind == .video }?.payload.readableBytesView.prefix(2).elementsEqual([0x17, 0x00]) == true)
        #expect(media.first { $0.kind == .audio }?.payload.readableBytesView.prefix(2).elementsEqual([0xAF, 0x00]) == true)
        for kind in [RTMPMediaMessage.Kind.audio, .video] {
            let timestamps = media.filter { $0.kind == kind }.map(\.timestamp)
            #expect(timestamps == timestamps.sorted(), "\(kind) timestamps go backwards: \(timestamps)")
        }
        #expect(channel.isActive)
        _ = try channel.finish()
    }

    /// The next handler answers from inside `channelRead`; media in the same read as
    /// `publish` then already flows.
    @Test func anAnswerFromInsideChannelReadAndEverythingInOneRead() throws {
        let channel = try Self.channel()
        try channel.pipeline.syncOperations.addHandler(PublishAnsweringHandler(.accept))
        var (client, steps) = Self.publishingClient()
        var everything = ByteBuffer()
        for step in steps {
            everything.writeImmutableBuffer(step)
        }
        everything.writeImmutableBuffer(Self.mediaBytes(&client))
        try channel.writeInbound(everything)
        let events = try Self.events(channel)
        #expect(events.count == 2 + Self.expectedMedia.count)
        #expect(Self.media(events) == Self.expectedMedia)
        _ = try channel.finish()
    }

    /// The next handler closes the channel on `.connected`: what followed in the same read
    /// is not handled.
    @Test func nothingIsHandledAfterTheChannelIsClosedFromElsewhere() throws {
        let channel = try Self.channel()
        try channel.pipeline.syncOperations.addHandler(CloseOnConnectedHandler())
        let (_, steps) = Self.publishingClient()
        var everything = ByteBuffer()
        for step in steps {
            everything.writeImmutableBuffer(step)
        }
        try channel.writeInbound(everything)
        let events = try Self.events(channel)
        #expect(events.count == 1)
        #expect(!channel.isActive)
    }

    @Test func aByteAtATime() throws {
        let channel = try Self.channel()
        try channel.pipeline.syncOperations.addHandler(PublishAnsweringHandler(.accept))
        var (client, steps) = Self.publishingClient()
        for step in steps + [Self.mediaBytes(&client)] {
            for byte in step.readableBytesView {
                try channel.writeInbound(ByteBuffer(bytes: [byte]))
            }
        }
        #expect(Self.media(try Self.events(channel)) == Self.expectedMedia)
        _ = try channel.finish()
    }

    @Test func rejectionSendsTheStatusAndCloses() throws {
        let channel = try Self.channel()
        var (client, steps) = Self.publishingClient()
        for step in steps {
            try channel.writeInbound(step)
        }
        _ = try client.read(Self.outbound(channel))
        try channel.writeOutbound(RTMPServerCommand.rejectPublish(code: "NetStream.Publish.BadName", description: "Unknown stream key."))
        let status = try client.readCommands(Self.outbound(channel))
        #expect(status.map(\.name) == ["onStatus"])
        #expect(status.first?.arguments.first?["level"]?.string == "error")
        #expect(status.first?.arguments.first?["code"]?.string == "NetStream.Publish.BadName")
        #expect(status.first?.arguments.first?["description"]?.string == "Unknown stream key.")
        #expect(!channel.isActive)
    }

    /// A channel whose client has connected, its replies read; and the bytes it was sent.
    static func connectedChannel() throws -> (channel: EmbeddedChannel, client: RTMPTestClient, received: Int) {
        let channel = try Self.channel()
        var (client, steps) = Self.connectingClient()
        for step in steps {
            try channel.writeInbound(step)
        }
        _ = try client.read(Self.outbound(channel))
        return (channel, client, steps.reduce(0) { $0 + $1.readableBytes })
    }

    @Test func acknowledgesAfterThePeersWindow() throws {
        let connected = try Self.connectedChannel()
        let channel = connected.channel
        var client = connected.client
        var received = connected.received
        let window = client.chunks(.windowAcknowledgementSize(5000), chunkStreamID: 2)
        received += window.readableBytes
        try channel.writeInbound(window)
        #expect(try Self.outbound(channel).readableBytes == 0)
        let filler = client.media(.audio, timestamp: 0, payload: ByteBuffer(repeating: 0, count: 5000))
        received += filler.readableBytes
        try channel.writeInbound(filler)
        #expect(try client.read(Self.outbound(channel)) == [.acknowledgement(UInt32(received))])
        _ = try channel.finish()
    }

    @Test func answersPings() throws {
        let connected = try Self.connectedChannel()
        let channel = connected.channel
        var client = connected.client
        try channel.writeInbound(client.chunks(RTMPUserControlEvent.pingRequest(timestamp: 77).message, chunkStreamID: 2))
        #expect(try client.read(Self.outbound(channel)) == [RTMPUserControlEvent.pingResponse(timestamp: 77).message])
        _ = try channel.finish()
    }

    @Test func protocolErrorsAreFiredAndClose() throws {
        let channel = try Self.channel()
        #expect(throws: RTMPProtocolError.unsupportedHandshakeVersion(6)) { try channel.writeInbound(ByteBuffer(bytes: [6])) }
        #expect(!channel.isActive)

        let second = try Self.channel(RTMPServerConfiguration(maxMessageSize: 1000))
        var input = RTMPTestClient.c0c1
        input.writeImmutableBuffer(RTMPTestClient.c2)
        input.writeImmutableBuffer(ByteBuffer(hex: "03 000000 0003e9 14 00000000"))
        #expect(throws: RTMPProtocolError.messageTooLong(length: 1001, limit: 1000)) { try second.writeInbound(input) }
        #expect(!second.isActive)
    }

    @Test func handshakeBuffersOnlyThePacketItWaitsFor() throws {
        let channel = try Self.channel()
        let handler = try channel.pipeline.syncOperations.handler(type: RTMPServerHandler.self)
        var c0c1 = RTMPTestClient.c0c1
        try channel.writeInbound(c0c1.readSlice(length: 1000)!)
        #expect(handler.bufferedByteCount == 1000)
        try channel.writeInbound(c0c1)
        #expect(handler.bufferedByteCount == 0)
        _ = try channel.finish()
    }
}

/// Closes the channel as soon as a client has connected, passing the event on first.
private final class CloseOnConnectedHandler: ChannelInboundHandler {
    typealias InboundIn = RTMPServerEvent
    typealias InboundOut = RTMPServerEvent

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireChannelRead(data)
        if case .connected = Self.unwrapInboundIn(data) {
            context.close(promise: nil)
        }
    }
}
