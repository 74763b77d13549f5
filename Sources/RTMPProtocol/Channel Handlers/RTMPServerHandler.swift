package import NIOCore

/// The server side of one RTMP connection, as a single handler: bytes in, `RTMPServerEvent`s
/// out; `RTMPServerCommand`s in (from the handler after it), bytes out.
///
/// ### Function
/// It runs the handshake, decodes chunks, answers the session's commands, and passes on
/// `.connected`, `.publishRequested`, `.media` and `.unpublished`. The handler after it
/// answers `.publishRequested` by writing `.acceptPublish` or `.rejectPublish`; it may do so
/// at once, from inside `channelRead`.
///
/// On any protocol violation it fires `errorCaught` with an `RTMPProtocolError` and closes
/// the channel.
///
/// ### Implementation
/// The handler only carries out what its parts decide: `RTMPHandshakeStateMachine`,
/// `RTMPChunkDecoder` (through a `NIOSingleStepByteToMessageProcessor`, so that a Set Chunk
/// Size applies to the very next chunk in the same read), `RTMPServerSessionStateMachine`
/// and `RTMPChunkEncoder`. During the handshake it keeps only the bytes of the packet it is
/// waiting for; the bytes a client sends right after C2 go on to the chunk decoder.
package final class RTMPServerHandler: ChannelDuplexHandler {
    package typealias InboundIn = ByteBuffer
    package typealias InboundOut = RTMPServerEvent
    package typealias OutboundIn = RTMPServerCommand
    package typealias OutboundOut = ByteBuffer

    /// Control messages travel on chunk stream 2 (the specification reserves it for them);
    /// commands on 3, as FFmpeg and nginx-rtmp send them.
    private static let controlChunkStreamID: UInt32 = 2
    private static let commandChunkStreamID: UInt32 = 3

    private var handshake: RTMPHandshakeStateMachine
    /// The part of a handshake packet received so far.
    private var handshakeBuffer = ByteBuffer()
    private let chunkProcessor: NIOSingleStepByteToMessageProcessor<RTMPChunkDecoder>
    private var session: RTMPServerSessionStateMachine
    private var encoder = RTMPChunkEncoder()
    /// Set once the connection is being closed; later reads are ignored.
    private var isClosing = false

    /// - Parameter configuration: what to announce to the peer and which limits to enforce.
    package convenience init(configuration: RTMPServerConfiguration) {
        self.init(configuration: configuration, randomNumberGenerator: SystemRandomNumberGenerator())
    }

    /// - Parameter randomNumberGenerator: the source of the handshake's random bytes (tests
    ///   pass a seeded one).
    init(configuration: RTMPServerConfiguration, randomNumberGenerator: any RandomNumberGenerator) {
        // S1's time is ours to choose; milliseconds of uptime, as Flash Media Server sends.
        let now = UInt32(truncatingIfNeeded: NIODeadline.now().uptimeNanoseconds / 1_000_000)
        self.handshake = RTMPHandshakeStateMachine(serverTime: now, randomNumberGenerator: randomNumberGenerator)
        self.chunkProcessor = NIOSingleStepByteToMessageProcessor(RTMPChunkDecoder(configuration: configuration))
        self.session = RTMPServerSessionStateMachine(configuration: configuration)
    }

    /// Bytes held for input not yet complete: a handshake packet's start, or the start of a
    /// chunk header. (Partly received messages are bounded by the decoder's own limit.)
    var bufferedByteCount: Int {
        self.handshakeBuffer.readableBytes + self.chunkProcessor.unprocessedBytes
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.isClosing else {
            return
        }
        var bytes = Self.unwrapInboundIn(data)
        self.perform(self.session.received(byteCount: bytes.readableBytes), context: context)
        do {
            if !self.handshake.isComplete {
                self.handshakeBuffer.writeBuffer(&bytes)
                guard try self.continueHandshake(context: context) else {
                    return
                }
                bytes = self.handshakeBuffer
                self.handshakeBuffer = ByteBuffer()
            }
            try self.decodeChunks(bytes, context: context)
        } catch {
            self.fail(error, context: context)
        }
    }

    package func channelInactive(context: ChannelHandlerContext) {
        // Closed from elsewhere (the next handler, the peer): the rest of a read is not handled.
        self.isClosing = true
        context.fireChannelInactive()
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let action: RTMPServerSessionAction
        switch Self.unwrapOutboundIn(data) {
        case .acceptPublish:
            action = self.session.acceptPublish()
        case .rejectPublish(let code, let description):
            action = self.session.rejectPublish(code: code, description: description)
        }
        self.perform(action, context: context, promise: promise)
    }

    /// Runs the handshake as far as the buffered bytes go; `true` once it is complete.
    private func continueHandshake(context: ChannelHandlerContext) throws -> Bool {
        while true {
            switch try self.handshake.receive(&self.handshakeBuffer) {
            case .needMoreBytes:
                self.handshakeBuffer.discardReadBytes()
                return false
            case .send(let response):
                context.writeAndFlush(Self.wrapOutboundOut(response), promise: nil)
            case .complete:
                return true
            }
        }
    }

    /// Decodes every whole message in `bytes` (with what came before), then hands them to the
    /// session one by one. Messages decoded before a chunk error are still handled.
    private func decodeChunks(_ bytes: ByteBuffer, context: ChannelHandlerContext) throws {
        // Collected first, so that nothing the session's events set off (the next handler
        // answering, or closing the channel) runs while the processor is mid-call.
        var messages: [RTMPMessage] = []
        var decodingError: (any Error)?
        do {
            try self.chunkProcessor.process(buffer: bytes) { messages.append($0) }
        } catch {
            decodingError = error
        }
        for message in messages where !self.isClosing {
            self.perform(try self.session.receive(message), context: context)
        }
        if let decodingError {
            throw decodingError
        }
    }

    /// Writes the action's messages, fires its events, and closes once the messages are out
    /// if it says so.
    private func perform(_ action: RTMPServerSessionAction, context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        if action.close {
            self.isClosing = true
        }
        if action.messages.isEmpty {
            promise?.succeed()
            if action.close {
                context.close(promise: nil)
            }
        } else {
            var buffer = context.channel.allocator.buffer(capacity: 256)
            for message in action.messages {
                let isControl = message.type.rawValue <= RTMPMessageType.setPeerBandwidth.rawValue
                let chunkStreamID = isControl ? Self.controlChunkStreamID : Self.commandChunkStreamID
                self.encoder.write(message, chunkStreamID: chunkStreamID, into: &buffer)
            }
            let written = context.writeAndFlush(Self.wrapOutboundOut(buffer))
            written.cascade(to: promise)
            if action.close {
                let channel = context.channel
                written.whenComplete { _ in channel.close(promise: nil) }
            }
        }
        for event in action.events {
            context.fireChannelRead(Self.wrapInboundOut(event))
        }
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        self.isClosing = true
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension RTMPServerHandler: Sendable {}
