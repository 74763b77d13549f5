import Foundation

/// An RTMP publisher for end-to-end tests: an independent peer, written from the RTMP
/// specification and the behaviour of ffmpeg and OBS, sharing no code with relaygate's server.
///
/// Blocking and single-threaded: each call runs on the caller's thread and returns (or
/// throws) within `options.timeout`. From an `async` test, run it on its own thread
/// (`RTMPTestPublisherThread.run`, `startSending`), not on the cooperative pool.
///
/// ```swift
/// let flv = try RTMPTestPublisherFLV(path: file)
/// let publisher = try RTMPTestPublisher(nginx.publishURL("live", "cam"), options: .init(handshake: .digest, chunkSize: 4096))
/// guard try publisher.publish() == .started else { … }      // connects first
/// try publisher.send(flv, .init(metadata: .late(afterSeconds: 1), chunkStreams: .interleaved))
/// try publisher.unpublish()                                  // FCUnpublish, deleteStream, close
/// ```
///
/// What the server said is recorded as it arrives (`replies`, `statuses`, `serverClosed`) and
/// may be read from any thread.
public final class RTMPTestPublisher: @unchecked Sendable {
    // @unchecked: the connection state below is used by one thread at a time (the caller's or
    // the one `startSending` runs); what other threads may read is in `observed`, under `lock`.
    public let url: RTMPTestPublisherURL
    public let options: RTMPTestPublisherOptions

    private var socket: RTMPTestPublisherSocket?
    private var writer: RTMPTestPublisherChunkWriter
    private var reader = RTMPTestPublisherChunkReader()
    private var transactions = 0
    private var windowAcknowledgementSize: UInt64 = 0
    private var acknowledgedBytes: UInt64 = 0
    /// Set while this side closes, so that the server's answering close is not counted as its own.
    private var closing = false

    private struct Observed {
        var replies: [RTMPTestPublisherReply] = []
        var serverClosedAt: ContinuousClock.Instant?
        var streamID: UInt32?
        var serverChunkSize = 128
        var serverWindowAcknowledgementSize: UInt32?
        var peerBandwidth: UInt32?
        var acknowledgementsSent = 0
        var pingsAnswered = 0
        var sent = RTMPTestPublisherCounts()
        var stopRequested = false
    }

    private let lock = NSLock()
    private var observed = Observed()

    // Chunk streams, as ffmpeg numbers them.
    static let controlChunkStream = 2
    static let commandChunkStream = 3
    static let audioChunkStream = 4
    static let videoChunkStream = 6
    static let streamCommandChunkStream = 8

    public convenience init(_ url: String, options: RTMPTestPublisherOptions = .init()) throws {
        self.init(try RTMPTestPublisherURL(url), options: options)
    }

    public init(_ url: RTMPTestPublisherURL, options: RTMPTestPublisherOptions = .init()) {
        self.url = url
        self.options = options
        writer = RTMPTestPublisherChunkWriter(chunkSize: 128, compressHeaders: options.compressHeaders)
    }

    // MARK: What the server said

    /// Every command the server sent, in order (`_result`, `_error`, `onStatus`, …).
    public var replies: [RTMPTestPublisherReply] { lock.withLock { observed.replies } }
    /// The `onStatus` commands among them.
    public var statuses: [RTMPTestPublisherReply] { replies.filter { $0.command == "onStatus" } }
    /// Whether the server closed the connection (before this side started to close it).
    public var serverClosed: Bool { serverClosedAt != nil }
    public var serverClosedAt: ContinuousClock.Instant? { lock.withLock { observed.serverClosedAt } }
    /// The message stream createStream gave, once it has.
    public var streamID: UInt32? { lock.withLock { observed.streamID } }
    /// The chunk size the server sends with (its Set Chunk Size, else 128).
    public var serverChunkSize: Int { lock.withLock { observed.serverChunkSize } }
    public var serverWindowAcknowledgementSize: UInt32? { lock.withLock { observed.serverWindowAcknowledgementSize } }
    public var peerBandwidth: UInt32? { lock.withLock { observed.peerBandwidth } }
    public var acknowledgementsSent: Int { lock.withLock { observed.acknowledgementsSent } }
    public var pingsAnswered: Int { lock.withLock { observed.pingsAnswered } }
    public var sent: RTMPTestPublisherCounts { lock.withLock { observed.sent } }

    // MARK: Session

    /// TCP connect, handshake, Set Chunk Size (when not 128), `connect` and its `_result`.
    /// Throws `commandFailed` if the server answers `_error`; after any failure the
    /// connection is closed. A publisher whose connection has ended may connect again: the
    /// replies and counts go on, `serverClosed` and `streamID` start again.
    public func connect() throws {
        guard socket == nil else { throw RTMPTestPublisherError.misuse("connect() on a connection already open") }
        // A new connection starts from the protocol's defaults.
        closing = false
        reader = RTMPTestPublisherChunkReader()
        writer = RTMPTestPublisherChunkWriter(chunkSize: 128, compressHeaders: options.compressHeaders)
        transactions = 0
        windowAcknowledgementSize = 0
        acknowledgedBytes = 0
        lock.withLock {
            observed.streamID = nil
            observed.serverClosedAt = nil
            observed.serverChunkSize = 128
        }
        let socket = try RTMPTestPublisherSocket(host: url.host, port: url.port, timeout: options.timeout)
        self.socket = socket
        do {
            try startSession(on: socket)
        } catch {
            closing = true
            socket.close()
            self.socket = nil
            throw error
        }
    }

    private func startSession(on socket: RTMPTestPublisherSocket) throws {
        let deadline = ContinuousClock.now + options.timeout
        do {
            try options.handshake.perform(on: socket, until: deadline, requireEchoedS2: options.requireEchoedS2)
        } catch RTMPTestPublisherError.closedByServer(let during) {
            noteServerClosed()
            throw RTMPTestPublisherError.closedByServer(during: during)
        }
        if options.chunkSize != 128 {
            try send(.control(RTMPTestPublisherMessage.setChunkSize, value: UInt32(options.chunkSize)), during: "Set Chunk Size")
            writer.chunkSize = options.chunkSize
        }
        let properties: [RTMPTestPublisherAMF0.Property] = [
            .init(name: "app", value: .string(url.app)),
            .init(name: "type", value: .string("nonprivate")),
            .init(name: "flashVer", value: .string(options.flashVersion)),
            .init(name: "tcUrl", value: .string(url.tcUrl)),
        ]
        let transaction = try sendCommand("connect", [.object(properties)])
        let reply = try awaitReply(to: transaction, waitingFor: "the reply to connect")
        guard reply.command == "_result" else {
            throw RTMPTestPublisherError.commandFailed(
                command: "connect", code: reply.code ?? reply.command, description: reply.text ?? "")
        }
    }

    /// `releaseStream`, `FCPublish`, `createStream` (waiting for its stream id) and
    /// `publish(name, "live")`, then the server's verdict. Connects first if need be.
    /// Throws if the server closes the connection or stays silent instead of answering.
    public func publish() throws -> RTMPTestPublisherOutcome {
        if socket == nil { try connect() }
        guard streamID == nil else { throw RTMPTestPublisherError.misuse("publish() twice on one connection") }
        let name = RTMPTestPublisherAMF0.string(url.streamName)
        // ffmpeg and OBS send these two without waiting: servers that do not know them stay silent.
        _ = try sendCommand("releaseStream", [.null, name])
        _ = try sendCommand("FCPublish", [.null, name])
        let create = try sendCommand("createStream", [.null])
        let created = try awaitReply(to: create, waitingFor: "the reply to createStream")
        guard created.command == "_result", let number = created.firstNumber, number >= 0, number <= Double(UInt32.max) else {
            throw RTMPTestPublisherError.commandFailed(
                command: "createStream", code: created.code ?? created.command, description: created.text ?? created.description)
        }
        let streamID = UInt32(number)
        lock.withLock { observed.streamID = streamID }

        let seen = replies.count
        let publish = try sendCommand(
            "publish", [.null, name, .string("live")], chunkStream: Self.streamCommandChunkStream, streamID: streamID)
        var outcome: RTMPTestPublisherOutcome?
        try receive(waitingFor: "onStatus after publish") {
            outcome =
                self.replies.dropFirst(seen).lazy.compactMap { reply -> RTMPTestPublisherOutcome? in
                    let isStatus = reply.command == "onStatus"
                    if isStatus, reply.code == "NetStream.Publish.Start" { return .started }
                    let isError = reply.command == "_error" && reply.transactionID == Double(publish)
                    guard isError || isStatus && reply.level == "error" else { return nil }
                    return .rejected(code: reply.code ?? reply.command, description: reply.text ?? "")
                }.first
            return outcome != nil
        }
        return outcome!
    }

    /// Sends the tags of `flv` on the publish stream as `media` says, answering the server
    /// (pings, acknowledgements) as it goes. Returns when done or when `stop` was asked for.
    public func send(_ flv: RTMPTestPublisherFLV, _ media: RTMPTestPublisherMediaOptions = .init()) throws {
        guard let streamID else { throw RTMPTestPublisherError.misuse("send() before publish() started a stream") }
        var sender = RTMPTestPublisherMediaSender(flv: flv, media: media, streamID: streamID, publisher: self)
        try sender.run()
    }

    /// Runs `send(flv, media)` on a thread of its own; `stop()` on the result ends it.
    /// Do not call anything else on this publisher until that run has finished.
    public func startSending(_ flv: RTMPTestPublisherFLV, _ media: RTMPTestPublisherMediaOptions = .init())
        -> RTMPTestPublisherRun
    {
        lock.withLock { observed.stopRequested = false }
        return RTMPTestPublisherRun(stop: { [self] in lock.withLock { observed.stopRequested = true } }) { [self] in
            try send(flv, media)
        }
    }

    /// Reads and handles what the server sends for `duration` (answering pings, recording
    /// statuses); returns early, without throwing, if the server closes the connection.
    public func listen(for duration: Duration) throws {
        let deadline = ContinuousClock.now + duration
        do {
            try receive(until: deadline, waitingFor: "") { false }
        } catch RTMPTestPublisherError.timeout {
            return
        } catch RTMPTestPublisherError.closedByServer {
            return
        }
    }

    /// Whether the server closes the connection within `timeout` (its messages meanwhile are handled).
    public func waitForServerClose(timeout: Duration) throws -> Bool {
        if !serverClosed { try listen(for: timeout) }
        return serverClosed
    }

    /// `FCUnpublish`, `deleteStream`, then a graceful close: FIN, the server's last words
    /// read (`NetStream.Unpublish.Success`), its close awaited briefly.
    public func unpublish() throws {
        guard socket != nil, let streamID else { throw RTMPTestPublisherError.misuse("unpublish() without a published stream") }
        _ = try sendCommand("FCUnpublish", [.null, .string(url.streamName)])
        _ = try sendCommand("deleteStream", [.null, .number(Double(streamID))])
        closeGracefully()
    }

    /// Ends the connection: `abrupt` closes the socket at once, as a crashed encoder's host
    /// does (no unpublish; unread data makes it a reset); otherwise `unpublish()` if a stream
    /// is published, else a graceful close.
    public func disconnect(abrupt: Bool = false) {
        guard let socket else { return }
        if abrupt {
            closing = true
            socket.close()
            self.socket = nil
        } else if streamID != nil, !serverClosed {
            do { try unpublish() } catch { closeGracefully() }
        } else {
            closeGracefully()
        }
    }

    // MARK: Raw access

    /// Sends `message` through this session's chunk writer (its headers are relative to
    /// what was sent before on the same chunk stream).
    public func sendMessage(_ message: RTMPTestPublisherMessage) throws {
        try send(message, during: "a raw message")
    }

    /// Sends `bytes` as they are, in the middle of the session (garbage, a truncated chunk).
    public func sendRawBytes(_ bytes: [UInt8]) throws {
        try sendBytes(bytes, during: "raw bytes")
    }

    // MARK: Internals used by the media sender

    var stopRequested: Bool { lock.withLock { observed.stopRequested } }

    func count(_ update: (inout RTMPTestPublisherCounts) -> Void) {
        lock.withLock { update(&observed.sent) }
    }

    /// The whole of each message's chunks, one message after the other.
    func send(_ message: RTMPTestPublisherMessage, during: String) throws {
        try sendBytes(writer.encode(message), during: during)
    }

    /// The chunks of `message`, for a caller that interleaves them with another message's.
    func chunks(_ message: RTMPTestPublisherMessage) -> [[UInt8]] { writer.chunks(message) }

    func sendBytes(_ bytes: [UInt8], during: String) throws {
        guard let socket else { throw RTMPTestPublisherError.misuse("sending \(during) without a connection") }
        do {
            try socket.send(bytes, until: .now + options.timeout, during: during)
        } catch RTMPTestPublisherError.closedByServer(let what) {
            noteServerClosed()
            // Whatever the server said before it closed is still worth recording.
            drainAfterClose()
            throw RTMPTestPublisherError.closedByServer(during: what)
        }
    }

    /// Handles what the server has sent, waiting for it at most until `deadline`; throws
    /// `closedByServer` once the server has closed.
    func service(until deadline: ContinuousClock.Instant) throws {
        guard let socket else { return }
        if let bytes = try socket.receive(until: deadline) {
            try take(bytes, during: "publishing")
            // Then whatever else is already here, without waiting.
            while let more = try socket.receive(until: .now), !more.isEmpty { try take(more, during: "publishing") }
            if socket.peerClosedAt != nil { try take([], during: "publishing") }
        }
    }

    // MARK: Commands and replies

    /// Sends command `name` with the next transaction id; returns that id.
    private func sendCommand(
        _ name: String, _ arguments: [RTMPTestPublisherAMF0], chunkStream: Int = RTMPTestPublisher.commandChunkStream,
        streamID: UInt32 = 0
    ) throws -> Int {
        transactions += 1
        let payload = RTMPTestPublisherAMF0.encode([.string(name), .number(Double(transactions))] + arguments)
        try send(
            RTMPTestPublisherMessage(
                chunkStream: chunkStream, type: RTMPTestPublisherMessage.amf0Command, streamID: streamID, payload: payload),
            during: name)
        return transactions
    }

    /// The `_result` or `_error` to `transaction`.
    private func awaitReply(to transaction: Int, waitingFor what: String) throws -> RTMPTestPublisherReply {
        var reply: RTMPTestPublisherReply?
        try receive(waitingFor: what) {
            reply = self.replies.last {
                ($0.command == "_result" || $0.command == "_error") && $0.transactionID == Double(transaction)
            }
            return reply != nil
        }
        return reply!
    }

    /// Reads and handles messages until `done` holds, at most until `deadline` (default: the
    /// options' timeout from now).
    private func receive(
        until deadline: ContinuousClock.Instant? = nil, waitingFor what: String, done: () -> Bool
    ) throws {
        guard let socket else { throw RTMPTestPublisherError.misuse("waiting for \(what) without a connection") }
        let deadline = deadline ?? .now + options.timeout
        while !done() {
            if let message = try reader.next() {
                try handle(message)
                continue
            }
            guard let bytes = try socket.receive(until: deadline) else { throw RTMPTestPublisherError.timeout(waitingFor: what) }
            try take(bytes, during: what)
        }
    }

    /// Feeds received bytes to the chunk reader and handles every message they complete;
    /// empty `bytes` is the server's close.
    private func take(_ bytes: [UInt8], during what: String) throws {
        if bytes.isEmpty {
            noteServerClosed()
            throw RTMPTestPublisherError.closedByServer(during: what)
        }
        reader.append(bytes)
        try acknowledgeIfDue()
        while let message = try reader.next() { try handle(message) }
    }

    /// An Acknowledgement each time another window's worth of bytes has come in.
    private func acknowledgeIfDue() throws {
        guard let socket, windowAcknowledgementSize > 0, socket.bytesReceived - acknowledgedBytes >= windowAcknowledgementSize
        else { return }
        acknowledgedBytes = socket.bytesReceived
        try send(
            .control(RTMPTestPublisherMessage.acknowledgement, value: UInt32(truncatingIfNeeded: acknowledgedBytes)),
            during: "an Acknowledgement")
        lock.withLock { observed.acknowledgementsSent += 1 }
    }

    private func handle(_ message: RTMPTestPublisherMessage) throws {
        switch message.type {
        case RTMPTestPublisherMessage.setChunkSize:
            guard let value = message.uint32Payload.map({ Int($0 & 0x7FFF_FFFF) }), value >= 1 else {
                throw RTMPTestPublisherError.protocolViolation("Set Chunk Size \(message.payload)")
            }
            reader.chunkSize = value
            lock.withLock { observed.serverChunkSize = value }
        case RTMPTestPublisherMessage.abort:
            if let chunkStream = message.uint32Payload { reader.abort(chunkStream: Int(chunkStream)) }
        case RTMPTestPublisherMessage.windowAcknowledgementSize:
            guard let value = message.uint32Payload else {
                throw RTMPTestPublisherError.protocolViolation("Window Acknowledgement Size \(message.payload)")
            }
            windowAcknowledgementSize = UInt64(value)
            lock.withLock { observed.serverWindowAcknowledgementSize = value }
        case RTMPTestPublisherMessage.setPeerBandwidth:
            lock.withLock { observed.peerBandwidth = message.uint32Payload }
        case RTMPTestPublisherMessage.userControl:
            // Event 6, Ping Request: answer with event 7 and the same timestamp.
            if message.payload.count >= 6, message.payload[0] == 0, message.payload[1] == 6 {
                try send(
                    RTMPTestPublisherMessage(
                        chunkStream: Self.controlChunkStream, type: RTMPTestPublisherMessage.userControl,
                        payload: [0, 7] + message.payload[2..<6]),
                    during: "a Ping Response")
                lock.withLock { observed.pingsAnswered += 1 }
            }
        case RTMPTestPublisherMessage.amf0Command, RTMPTestPublisherMessage.amf3Command:
            // An AMF3 command message is AMF0 after one leading format byte.
            let body = message.type == RTMPTestPublisherMessage.amf3Command ? Array(message.payload.dropFirst()) : message.payload
            let values = try RTMPTestPublisherAMF0.decodeAll(body)
            guard let name = values.first?.stringValue else {
                throw RTMPTestPublisherError.protocolViolation("command without a name: \(values)")
            }
            let reply = RTMPTestPublisherReply(
                command: name, transactionID: values.count > 1 ? values[1].numberValue ?? 0 : 0,
                values: Array(values.dropFirst(2)), streamID: message.streamID)
            lock.withLock { observed.replies.append(reply) }
        default:
            // Acknowledgements, data and media are of no consequence to a publisher.
            break
        }
    }

    // MARK: Closing

    private func noteServerClosed() {
        guard !closing else { return }
        lock.withLock {
            if observed.serverClosedAt == nil { observed.serverClosedAt = socket?.peerClosedAt ?? .now }
        }
    }

    /// Reads what is already in the socket after the server closed, for its last messages.
    private func drainAfterClose() {
        guard let socket else { return }
        while let bytes = try? socket.receive(until: .now), !bytes.isEmpty {
            reader.append(bytes)
        }
        while let message = try? reader.next() {
            // Answering (a ping) is pointless now; recording is what matters.
            if message.type == RTMPTestPublisherMessage.amf0Command || message.type == RTMPTestPublisherMessage.amf3Command {
                try? handle(message)
            }
        }
    }

    /// FIN first, then the server's remaining messages and close, then ours: closing with
    /// unread data would send a reset instead, which may lose what was sent last.
    private func closeGracefully() {
        guard let socket else { return }
        closing = true
        socket.shutdownWrite()
        let deadline = ContinuousClock.now + min(options.timeout, .seconds(2))
        while let bytes = try? socket.receive(until: deadline), !bytes.isEmpty {
            reader.append(bytes)
            while let message = try? reader.next() {
                if message.type == RTMPTestPublisherMessage.amf0Command || message.type == RTMPTestPublisherMessage.amf3Command {
                    try? handle(message)
                }
            }
        }
        socket.close()
        self.socket = nil
    }

    deinit { socket?.close() }
}
