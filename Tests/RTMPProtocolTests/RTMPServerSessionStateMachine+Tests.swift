import NIOCore
import Testing

@testable import RTMPProtocol

@Suite struct RTMPServerSessionStateMachineTests {
    static let connectObject = AMF0Value.object([
        AMF0Property("app", .string("live?token=1")), AMF0Property("type", .string("nonprivate")),
        AMF0Property("flashVer", .string("FMLE/3.0 (compatible; Lavf60.16.100)")),
        AMF0Property("tcUrl", .string("rtmp://127.0.0.1:1935/live?token=1")),
    ])

    static func command(_ name: String, _ transactionID: Double, _ object: AMF0Value = .null, _ arguments: AMF0Value..., streamID: UInt32 = 0)
        -> RTMPMessage
    {
        RTMPCommand(name: name, transactionID: transactionID, commandObject: object, arguments: arguments).message(streamID: streamID)
    }

    static func commands(in action: RTMPServerSessionAction) throws -> [RTMPCommand] {
        try action.messages.filter { $0.type == .amf0Command }.map { try RTMPCommand(message: $0) }
    }

    static func media(_ type: RTMPMessageType, _ timestamp: UInt32, _ hex: String, streamID: UInt32 = 1) -> RTMPMessage {
        RTMPMessage(type: type, streamID: streamID, timestamp: timestamp, payload: ByteBuffer(hex: hex))
    }

    /// A session that went through connect, createStream and publish (stream 1) and is
    /// waiting for the answer.
    static func publishRequested() throws -> RTMPServerSessionStateMachine {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        _ = try session.receive(Self.command("createStream", 4))
        _ = try session.receive(Self.command("publish", 5, .null, .string("key?x=1"), .string("live"), streamID: 1))
        return session
    }

    static func publishing() throws -> RTMPServerSessionStateMachine {
        var session = try Self.publishRequested()
        _ = session.acceptPublish()
        return session
    }

    @Test func connectIsAnsweredAndPassedOn() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration(chunkSize: 60_000))
        let action = try session.receive(Self.command("connect", 1, Self.connectObject))
        #expect(action.messages.map(\.type) == [.windowAcknowledgementSize, .setPeerBandwidth, .setChunkSize, .amf0Command])
        #expect(action.messages[0].payload == ByteBuffer(hex: "002625a0"))
        #expect(action.messages[1].payload == ByteBuffer(hex: "002625a0 02"))
        #expect(action.messages[2].payload == ByteBuffer(hex: "0000ea60"))
        let result = try #require(try Self.commands(in: action).first)
        #expect(result.name == "_result")
        #expect(result.transactionID == 1)
        #expect(result.commandObject["fmsVer"]?.string == "FMS/3,0,1,123")
        #expect(result.commandObject["capabilities"]?.number == 31)
        #expect(result.arguments.first?["code"]?.string == "NetConnection.Connect.Success")
        #expect(result.arguments.first?["objectEncoding"]?.number == 0)
        #expect(!action.close)
        guard case .connected(let info) = try #require(action.events.first) else {
            Issue.record("not .connected: \(action.events)")
            return
        }
        #expect(info == RTMPConnectInfo(app: "live", tcUrl: "rtmp://127.0.0.1:1935/live?token=1", flashVer: "FMLE/3.0 (compatible; Lavf60.16.100)"))
    }

    @Test func connectEchoesObjectEncoding() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        let object = AMF0Value.object([AMF0Property("app", .string("live")), AMF0Property("objectEncoding", .number(3))])
        let action = try session.receive(Self.command("connect", 1, object))
        #expect(try Self.commands(in: action).first?.arguments.first?["objectEncoding"]?.number == 3)
    }

    @Test(arguments: [AMF0Value.object([]), .object([AMF0Property("app", .string(""))]), .object([AMF0Property("app", .string("?a=b"))]), .null])
    func connectWithoutAnAppIsRejected(object: AMF0Value) throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        let action = try session.receive(Self.command("connect", 1, object))
        let error = try #require(try Self.commands(in: action).first)
        #expect(error.name == "_error")
        #expect(error.arguments.first?["code"]?.string == "NetConnection.Connect.Rejected")
        #expect(action.close)
        #expect(action.events.isEmpty)
    }

    @Test func commandsBeforeConnectAndSecondConnectsAreViolations() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        #expect(throws: RTMPProtocolError.commandBeforeConnect) { try session.receive(Self.command("createStream", 2)) }
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        #expect(throws: RTMPProtocolError.repeatedConnect) { try session.receive(Self.command("connect", 2, Self.connectObject)) }
    }

    @Test func publishingClientCallsGetResults() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        for (index, name) in ["releaseStream", "FCPublish", "_checkbw"].enumerated() {
            let result = try Self.commands(in: session.receive(Self.command(name, Double(index + 2), .null, .string("key"))))
            #expect(result == [RTMPCommand(name: "_result", transactionID: Double(index + 2), arguments: [.undefined])])
        }
        #expect(try session.receive(Self.command("releaseStream", 0, .null, .string("key"))).messages.isEmpty)
        let length = try Self.commands(in: session.receive(Self.command("getStreamLength", 5, .null, .string("key"))))
        #expect(length == [RTMPCommand(name: "_result", transactionID: 5, arguments: [.number(0)])])
        for expected in 1...3 {
            let result = try Self.commands(in: session.receive(Self.command("createStream", 9)))
            #expect(result == [RTMPCommand(name: "_result", transactionID: 9, arguments: [.number(Double(expected))])])
        }
    }

    @Test func unknownCommandsGetAnErrorOnlyWhenTheyWaitForAnAnswer() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        let error = try Self.commands(in: session.receive(Self.command("someCall", 7)))
        #expect(error.map(\.name) == ["_error"])
        #expect(error.first?.transactionID == 7)
        #expect(try session.receive(Self.command("someNotice", 0)).messages.isEmpty)
        #expect(try session.receive(Self.command("_result", 1)).messages.isEmpty)
    }

    @Test func publishIsPassedOnWithTheNameSplit() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        _ = try session.receive(Self.command("createStream", 4))
        let action = try session.receive(Self.command("publish", 5, .null, .string("key?x=1&y"), .string("live"), streamID: 1))
        #expect(action.messages.isEmpty)
        guard case .publishRequested(let request) = try #require(action.events.first) else {
            Issue.record("not .publishRequested: \(action.events)")
            return
        }
        #expect(request == RTMPPublishRequest(app: "live", streamName: "key", query: "x=1&y", publishType: "live"))
    }

    @Test func acceptingSendsStreamBeginAndPublishStart() throws {
        var session = try Self.publishRequested()
        let action = session.acceptPublish()
        #expect(action.messages.first == RTMPUserControlEvent.streamBegin(streamID: 1).message)
        let status = try Self.commands(in: action)
        #expect(status == [.onStatus(level: "status", code: "NetStream.Publish.Start", description: "Start publishing")])
        #expect(action.messages.last?.streamID == 1)
        #expect(session.acceptPublish().messages.isEmpty)
    }

    @Test func rejectingSendsTheStatusAndCloses() throws {
        var session = try Self.publishRequested()
        let action = session.rejectPublish(code: "NetStream.Publish.BadName", description: "Unknown stream key.")
        #expect(try Self.commands(in: action) == [.onStatus(level: "error", code: "NetStream.Publish.BadName", description: "Unknown stream key.")])
        #expect(action.messages.first?.streamID == 1)
        #expect(action.close)
        #expect(try session.receive(Self.command("createStream", 9)).messages.isEmpty)
    }

    @Test func publishWithoutANameIsRefused() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        let action = try session.receive(Self.command("publish", 5, .null, .string("?only=query"), streamID: 1))
        #expect(try Self.commands(in: action).first?.arguments.first?["code"]?.string == "NetStream.Publish.BadName")
        #expect(action.close)
        #expect(action.events.isEmpty)
    }

    @Test func aSecondPublishIsRefusedWithoutNamingTheKey() throws {
        var session = try Self.publishing()
        let action = try session.receive(Self.command("publish", 6, .null, .string("secret"), streamID: 1))
        let status = try #require(try Self.commands(in: action).first)
        #expect(status.arguments.first?["level"]?.string == "error")
        #expect(status.arguments.first?["description"]?.string?.contains("secret") == false)
        #expect(action.close)
    }

    @Test func mediaFlowsOnlyOnceAcceptedAndOnlyOnThePublishingStream() throws {
        var session = try Self.publishRequested()
        #expect(try session.receive(Self.media(.video, 0, "17")).events.isEmpty)
        _ = session.acceptPublish()
        #expect(try session.receive(Self.media(.video, 0, "17", streamID: 2)).events.isEmpty)
        let events = try [
            Self.media(.audio, 10, "af01"), Self.media(.video, 20, "2701"), Self.media(.amf0Data, 30, "0500"),
            Self.media(.amf3Data, 40, "00 05"),
        ].flatMap { try session.receive($0).events }
        let media = events.compactMap { if case .media(let message) = $0 { message } else { nil } }
        #expect(
            media == [
                RTMPMediaMessage(kind: .audio, timestamp: 10, payload: ByteBuffer(hex: "af01")),
                RTMPMediaMessage(kind: .video, timestamp: 20, payload: ByteBuffer(hex: "2701")),
                RTMPMediaMessage(kind: .data, timestamp: 30, payload: ByteBuffer(hex: "0500")),
                RTMPMediaMessage(kind: .data, timestamp: 40, payload: ByteBuffer(hex: "05")),
            ])
    }

    @Test func aggregatesAreSplitWithShiftedTimestamps() throws {
        var session = try Self.publishing()
        // Two FLV tags stamped 5000 and 5040, in an aggregate stamped 1000.
        let aggregate = Self.media(
            .aggregate, 1000,
            """
            08 000002 001388 00 000000 af01 0000000d
            09 000003 0013b0 00 000000 270102 0000000e
            """)
        let events = try session.receive(aggregate).events
        let media = events.compactMap { if case .media(let message) = $0 { message } else { nil } }
        #expect(
            media == [
                RTMPMediaMessage(kind: .audio, timestamp: 1000, payload: ByteBuffer(hex: "af01")),
                RTMPMediaMessage(kind: .video, timestamp: 1040, payload: ByteBuffer(hex: "270102")),
            ])
        #expect(throws: RTMPProtocolError.malformedMessage(type: .aggregate)) {
            try session.receive(Self.media(.aggregate, 0, "08 000009 000000 00 000000 af01"))
        }
    }

    @Test(arguments: ["FCUnpublish", "closeStream", "deleteStream"])
    func unpublishingIsPassedOnOnce(name: String) throws {
        var session = try Self.publishing()
        let action = try session.receive(Self.command(name, 0, .null, .string("key")))
        #expect(action.events.count == 1)
        if case .unpublished = try #require(action.events.first) {} else { Issue.record("not .unpublished") }
        #expect(try session.receive(Self.command("deleteStream", 0, .null, .number(1))).events.isEmpty)
        #expect(try session.receive(Self.media(.video, 0, "17")).events.isEmpty)
    }

    @Test func fcUnpublishWithATransactionIsAnswered() throws {
        var session = try Self.publishing()
        let action = try session.receive(Self.command("FCUnpublish", 8, .null, .string("key")))
        #expect(try Self.commands(in: action).map(\.name) == ["_result"])
    }

    @Test(arguments: ["play", "play2", "seek", "pause", "receiveAudio", "receiveVideo"])
    func playingIsRefused(name: String) throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        _ = try session.receive(Self.command("connect", 1, Self.connectObject))
        let action = try session.receive(Self.command(name, 0, .null, .string("key"), streamID: 1))
        let status = try #require(try Self.commands(in: action).first)
        #expect(status.arguments.first?["code"]?.string == "NetStream.Play.Failed")
        #expect(status.arguments.first?["description"]?.string == "this server accepts publishers only")
        #expect(action.close)
    }

    @Test func acknowledgesEveryWindowOfReceivedBytes() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        #expect(session.received(byteCount: 5000).messages.isEmpty)
        _ = try session.receive(RTMPMessage.windowAcknowledgementSize(3000))
        #expect(session.received(byteCount: 100).messages == [.acknowledgement(5100)])
        #expect(session.received(byteCount: 2999).messages.isEmpty)
        #expect(session.received(byteCount: 1).messages == [.acknowledgement(8100)])
        // The sequence number wraps at 32 bits.
        #expect(session.received(byteCount: Int(UInt32.max)).messages == [.acknowledgement(8099)])
        #expect(session.received(byteCount: 1).messages.isEmpty)
    }

    @Test func answersPings() throws {
        var session = RTMPServerSessionStateMachine(configuration: RTMPServerConfiguration())
        let action = try session.receive(RTMPUserControlEvent.pingRequest(timestamp: 1234).message)
        #expect(action.messages == [RTMPUserControlEvent.pingResponse(timestamp: 1234).message])
        #expect(try session.receive(RTMPUserControlEvent.other(eventType: 3).message).messages.isEmpty)
        #expect(throws: RTMPProtocolError.malformedMessage(type: .userControl)) {
            try session.receive(RTMPMessage(type: .userControl, payload: ByteBuffer(hex: "0006 0001")))
        }
    }
}
