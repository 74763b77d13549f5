import NIOCore

/// The server side of an RTMP session after the handshake, without I/O: answers the
/// commands of a publishing client, keeps the peer's acknowledgement window, and turns the
/// publisher's media into `RTMPServerEvent`s.
///
/// ### Function
/// `connect` → (`releaseStream`, `FCPublish`) → `createStream` → `publish`, which the handler
/// after `RTMPServerHandler` accepts or rejects; media then flows until `FCUnpublish`,
/// `closeStream` or `deleteStream`. Playing is refused. The replies follow what FFmpeg, OBS
/// (librtmp) and nginx-rtmp exchange; see each input's documentation.
///
/// Set Chunk Size and Abort are the chunk decoder's business and are ignored here.
package struct RTMPServerSessionStateMachine {
    private enum State {
        case waitingForConnect
        case connected(Connection)
        /// `publish` was passed on; waiting for `acceptPublish` or `rejectPublish`.
        case publishRequested(Connection, streamID: UInt32)
        case publishing(Connection, streamID: UInt32)
        /// A reply that closes the connection was sent; every input is ignored.
        case closed
    }

    private struct Connection {
        var app: String
        /// The next `createStream` result; 0 is the connection's own message stream.
        var nextStreamID: UInt32 = 1
    }

    private let configuration: RTMPServerConfiguration
    private var state = State.waitingForConnect
    /// The peer's Window Acknowledgement Size; `nil` (or 0) until it sends one: no acknowledgements.
    private var acknowledgementWindow: UInt32?
    /// Every byte the connection received, handshake included, as nginx-rtmp and FFmpeg count.
    private var bytesReceived: UInt64 = 0
    private var bytesAcknowledged: UInt64 = 0

    package init(configuration: RTMPServerConfiguration) {
        self.configuration = configuration
    }

    // MARK: Inputs

    /// Counts bytes the connection received; asks for an Acknowledgement once the peer's
    /// window is reached.
    package mutating func received(byteCount: Int) -> RTMPServerSessionAction {
        self.bytesReceived += UInt64(byteCount)
        guard let window = self.acknowledgementWindow, window > 0, self.bytesReceived - self.bytesAcknowledged >= window else {
            return .none
        }
        self.bytesAcknowledged = self.bytesReceived
        return RTMPServerSessionAction(messages: [.acknowledgement(UInt32(truncatingIfNeeded: self.bytesReceived))])
    }

    /// Takes in one message from the chunk decoder.
    ///
    /// - Throws: `RTMPProtocolError` for a malformed command or protocol control message, a
    ///   command before `connect`, or a second `connect`.
    package mutating func receive(_ message: RTMPMessage) throws -> RTMPServerSessionAction {
        if case .closed = self.state {
            return .none
        }
        switch message.type {
        case .amf0Command, .amf3Command:
            return try self.receive(RTMPCommand(message: message), streamID: message.streamID)
        case .audio, .video, .amf0Data, .amf3Data, .aggregate:
            return try self.receiveMedia(message)
        case .userControl:
            guard let event = RTMPUserControlEvent(payload: message.payload) else {
                throw RTMPProtocolError.malformedMessage(type: message.type)
            }
            if case .pingRequest(let timestamp) = event {
                return RTMPServerSessionAction(messages: [RTMPUserControlEvent.pingResponse(timestamp: timestamp).message])
            }
            return .none
        case .windowAcknowledgementSize:
            guard let window = message.protocolControlValue else {
                throw RTMPProtocolError.malformedMessage(type: message.type)
            }
            self.acknowledgementWindow = window
            return .none
        default:
            // Set Chunk Size and Abort (applied by the decoder), the peer's Acknowledgement
            // and Set Peer Bandwidth (we send too little to throttle), shared objects, and
            // types we do not know.
            return .none
        }
    }

    /// The handler after `RTMPServerHandler` accepts the pending publish request: Stream
    /// Begin and `onStatus` `NetStream.Publish.Start` are sent, and media is passed on from
    /// now on. Ignored when no request is pending (e.g. the peer gave up already).
    package mutating func acceptPublish() -> RTMPServerSessionAction {
        guard case .publishRequested(let connection, let streamID) = self.state else {
            return .none
        }
        self.state = .publishing(connection, streamID: streamID)
        let status = RTMPCommand.onStatus(level: "status", code: "NetStream.Publish.Start", description: "Start publishing")
        return RTMPServerSessionAction(messages: [
            RTMPUserControlEvent.streamBegin(streamID: streamID).message, status.message(streamID: streamID),
        ])
    }

    /// The handler after `RTMPServerHandler` refuses the publisher (pending or already
    /// publishing): `onStatus` with level `error`, then the connection is closed. Without a
    /// publishing stream to address, the connection is just closed.
    package mutating func rejectPublish(code: String, description: String) -> RTMPServerSessionAction {
        defer { self.state = .closed }
        switch self.state {
        case .publishRequested(_, let streamID), .publishing(_, let streamID):
            return self.closing(with: .onStatus(level: "error", code: code, description: description), streamID: streamID)
        case .waitingForConnect, .connected, .closed:
            return RTMPServerSessionAction(close: true)
        }
    }

    // MARK: Commands

    private mutating func receive(_ command: RTMPCommand, streamID: UInt32) throws -> RTMPServerSessionAction {
        let connection: Connection
        switch self.state {
        case .waitingForConnect:
            guard command.name == "connect" else {
                throw RTMPProtocolError.commandBeforeConnect
            }
            return self.connect(command)
        case .connected(let current), .publishRequested(let current, _), .publishing(let current, _):
            connection = current
        case .closed:
            return .none
        }

        switch command.name {
        case "connect":
            throw RTMPProtocolError.repeatedConnect
        case "createStream":
            return self.createStream(command, connection: connection)
        case "publish":
            return self.publish(command, streamID: streamID, connection: connection)
        case "FCUnpublish", "closeStream", "deleteStream":
            var action = self.unpublish(connection: connection)
            // Only FCUnpublish is a call clients wait on (ffmpeg's transaction tracking).
            if command.name == "FCUnpublish" {
                action.messages += self.emptyResult(to: command)
            }
            return action
        case "releaseStream", "FCPublish", "_checkbw":
            // Calls of publishing clients that need nothing from us but an answer; nginx-rtmp,
            // FFmpeg and OBS all get along with an empty `_result`.
            return RTMPServerSessionAction(messages: self.emptyResult(to: command))
        case "getStreamLength":
            // Players ask before `play`; FFmpeg expects a number (0: live) and warns otherwise.
            guard command.transactionID > 0 else {
                return .none
            }
            return RTMPServerSessionAction(messages: [RTMPCommand.result(command.transactionID, .null, .number(0)).message()])
        case "play", "play2", "seek", "pause", "receiveAudio", "receiveVideo":
            self.state = .closed
            let status = RTMPCommand.onStatus(
                level: "error", code: "NetStream.Play.Failed", description: "this server accepts publishers only"
            )
            return self.closing(with: status, streamID: streamID)
        case "_result", "_error", "onStatus", "onBWDone":
            // Answers and notices from the peer; we make no calls that wait for them.
            return .none
        default:
            guard command.transactionID > 0 else {
                return .none
            }
            let error = RTMPCommand.error(command.transactionID, code: "NetConnection.Call.Failed", description: "Unknown command.")
            return RTMPServerSessionAction(messages: [error.message()])
        }
    }

    private mutating func connect(_ command: RTMPCommand) -> RTMPServerSessionAction {
        let parameters = command.commandObject
        let app = parameters["app"]?.string?.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard !app.isEmpty else {
            self.state = .closed
            let error = RTMPCommand.error(
                command.transactionID, code: "NetConnection.Connect.Rejected", description: "Connection rejected: no application."
            )
            return RTMPServerSessionAction(messages: [error.message()], close: true)
        }
        self.state = .connected(Connection(app: String(app)))
        let properties = AMF0Value.object([
            AMF0Property("fmsVer", .string("FMS/3,0,1,123")), AMF0Property("capabilities", .number(31)),
        ])
        let information = AMF0Value.information(
            level: "status", code: "NetConnection.Connect.Success", description: "Connection succeeded.",
            AMF0Property("objectEncoding", .number(parameters["objectEncoding"]?.number ?? 0))
        )
        let info = RTMPConnectInfo(app: String(app), tcUrl: parameters["tcUrl"]?.string, flashVer: parameters["flashVer"]?.string)
        return RTMPServerSessionAction(
            messages: [
                .windowAcknowledgementSize(self.configuration.windowAcknowledgementSize),
                .setPeerBandwidth(self.configuration.peerBandwidth),
                .setChunkSize(self.configuration.chunkSize),
                RTMPCommand.result(command.transactionID, properties, information).message(),
            ],
            events: [.connected(info)]
        )
    }

    private mutating func createStream(_ command: RTMPCommand, connection: Connection) -> RTMPServerSessionAction {
        var connection = connection
        let streamID = connection.nextStreamID
        connection.nextStreamID &+= 1
        self.replace(connection)
        return RTMPServerSessionAction(messages: [RTMPCommand.result(command.transactionID, .null, .number(Double(streamID))).message()])
    }

    private mutating func publish(_ command: RTMPCommand, streamID: UInt32, connection: Connection) -> RTMPServerSessionAction {
        guard case .connected = self.state else {
            self.state = .closed
            let status = RTMPCommand.onStatus(level: "error", code: "NetStream.Publish.BadConnection", description: "Already publishing.")
            return self.closing(with: status, streamID: streamID)
        }
        let name = command.arguments.first?.string ?? ""
        let parts = name.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        guard let streamName = parts.first, !streamName.isEmpty else {
            self.state = .closed
            let status = RTMPCommand.onStatus(level: "error", code: "NetStream.Publish.BadName", description: "No stream name.")
            return self.closing(with: status, streamID: streamID)
        }
        self.state = .publishRequested(connection, streamID: streamID)
        let request = RTMPPublishRequest(
            app: connection.app, streamName: String(streamName), query: parts.dropFirst().first.map(String.init),
            publishType: command.arguments.dropFirst().first?.string
        )
        return RTMPServerSessionAction(events: [.publishRequested(request)])
    }

    private mutating func unpublish(connection: Connection) -> RTMPServerSessionAction {
        switch self.state {
        case .publishRequested, .publishing:
            self.state = .connected(connection)
            return RTMPServerSessionAction(events: [.unpublished])
        case .waitingForConnect, .connected, .closed:
            return .none
        }
    }

    // MARK: Media

    private func receiveMedia(_ message: RTMPMessage) throws -> RTMPServerSessionAction {
        // Media before the publish is accepted, or on another message stream, is dropped.
        guard case .publishing(_, let streamID) = self.state, message.streamID == streamID else {
            return .none
        }
        let messages = message.type == .aggregate ? try message.aggregatedMessages() : [message]
        return RTMPServerSessionAction(events: messages.compactMap { Self.media(in: $0).map { .media($0) } })
    }

    private static func media(in message: RTMPMessage) -> RTMPMediaMessage? {
        switch message.type {
        case .audio:
            return RTMPMediaMessage(kind: .audio, timestamp: message.timestamp, payload: message.payload)
        case .video:
            return RTMPMediaMessage(kind: .video, timestamp: message.timestamp, payload: message.payload)
        case .amf0Data:
            return RTMPMediaMessage(kind: .data, timestamp: message.timestamp, payload: message.payload)
        case .amf3Data:
            // The leading format byte; the values after it are AMF0 in practice.
            guard message.payload.readableBytes > 0 else {
                return nil
            }
            return RTMPMediaMessage(
                kind: .data, timestamp: message.timestamp,
                payload: message.payload.getSlice(
                    at: message.payload.readerIndex + 1, length: message.payload.readableBytes - 1
                )!)
        default:
            return nil
        }
    }

    // MARK: Helpers

    /// `_result` (null, undefined) when the command waits for one (transaction id above 0).
    private func emptyResult(to command: RTMPCommand) -> [RTMPMessage] {
        command.transactionID > 0 ? [RTMPCommand.result(command.transactionID, .null, .undefined).message()] : []
    }

    private func closing(with status: RTMPCommand, streamID: UInt32) -> RTMPServerSessionAction {
        RTMPServerSessionAction(messages: [status.message(streamID: streamID)], close: true)
    }

    /// Stores an updated connection without changing the state's case.
    private mutating func replace(_ connection: Connection) {
        switch self.state {
        case .connected: self.state = .connected(connection)
        case .publishRequested(_, let streamID): self.state = .publishRequested(connection, streamID: streamID)
        case .publishing(_, let streamID): self.state = .publishing(connection, streamID: streamID)
        case .waitingForConnect, .closed: break
        }
    }
}
