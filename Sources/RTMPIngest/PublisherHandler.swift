import Logging
import NIOCore
import RelayCore
import RTMPProtocol

/// Last in a connection's pipeline: decides its publish request against the endpoints
/// (unknown key → refused, key already live → refused unless the endpoint takes over) and
/// hands its media to its endpoint. Also enforces that a connection publishes within the
/// handshake timeout and closes connections that go idle.
final class PublisherHandler: ChannelInboundHandler {
    typealias InboundIn = RTMPServerEvent
    typealias OutboundOut = RTMPServerCommand

    private let lookup: (_ app: String, _ key: String) -> Endpoint?
    private let counters: ConnectionCounters
    private let handshakeTimeout: Duration
    private var logger: Logger
    private var address = "unknown"
    private var connect: RTMPConnectInfo?
    private var endpoint: Endpoint?
    private var deadline: Scheduled<Void>?

    init(
        lookup: @escaping (_ app: String, _ key: String) -> Endpoint?, counters: ConnectionCounters,
        handshakeTimeout: Duration, logger: Logger
    ) {
        self.lookup = lookup
        self.counters = counters
        self.handshakeTimeout = handshakeTimeout
        self.logger = logger
    }

    private var id: ObjectIdentifier { ObjectIdentifier(self) }

    func handlerAdded(context: ChannelHandlerContext) {
        if let remote = context.channel.remoteAddress, let ip = remote.ipAddress, let port = remote.port {
            address = remote.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        logger[metadataKey: "publisher"] = "\(address)"
        let timeout = handshakeTimeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(timeout.milliseconds)) { [self] in
            logger.info("ingest connection closed: not publishing \(DurationText.format(timeout)) after connecting")
            IngestMetrics.refused(.timeout)
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .connected(let info):
            connect = info
            logger.debug("ingest client connected", metadata: ["app": "\(info.app)", "encoder": "\(info.flashVer ?? "-")"])
        case .publishRequested(let request):
            decide(request, context: context)
        case .media(let message):
            endpoint?.forward(message, from: id)
        case .unpublished:
            leave(reason: "the publisher unpublished")
        }
    }

    /// One flush per read from the publisher: every message of the read reaches the worker together.
    func channelReadComplete(context: ChannelHandlerContext) {
        endpoint?.flush()
        context.fireChannelReadComplete()
    }

    private func decide(_ request: RTMPPublishRequest, context: ChannelHandlerContext) {
        var metadata: Logger.Metadata = ["app": "\(request.app)"]
        guard let endpoint = lookup(request.app, request.streamName) else {
            logger.notice("publish refused: unknown stream key", metadata: metadata)
            IngestMetrics.refused(.unknownKey)
            reject("unknown stream key", context: context)
            return
        }
        metadata["relay"] = "\(endpoint.registration.relay)"
        let info = IngestPublisher(address: address, app: request.app, encoder: connect?.flashVer)
        switch endpoint.claim(id: id, channel: context.channel, info: info, counters: counters) {
        case .accepted:
            deadline?.cancel()
            deadline = nil
            self.endpoint = endpoint
            IngestMetrics.publishingStarted()
            logger.notice("publishing", metadata: metadata.merging(["encoder": "\(info.encoder ?? "-")"]) { a, _ in a })
            context.writeAndFlush(wrapOutboundOut(.acceptPublish), promise: nil)
        case .busy:
            logger.notice("publish refused: the stream key is already publishing", metadata: metadata)
            IngestMetrics.refused(.alreadyPublishing)
            reject("Already publishing", context: context)
        case .gone:
            logger.notice("publish refused: the relay is stopping", metadata: metadata)
            IngestMetrics.refused(.unknownKey)
            reject("unknown stream key", context: context)
        }
    }

    /// `NetStream.Publish.BadName` is what nginx-rtmp answers for a name in use, and what
    /// encoders show as a bad stream key.
    private func reject(_ description: String, context: ChannelHandlerContext) {
        context.writeAndFlush(
            wrapOutboundOut(.rejectPublish(code: "NetStream.Publish.BadName", description: description)), promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        leave(reason: "the publisher disconnected")
        context.fireChannelInactive()
    }

    private func leave(reason: String) {
        guard let endpoint else { return }
        endpoint.release(id: id, reason: reason)
        IngestMetrics.publishingEnded()
        self.endpoint = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.info("ingest connection closed: nothing received for too long")
            IngestMetrics.refused(.timeout)
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? RTMPProtocolError {
            logger.info("ingest connection closed: protocol error: \(error)")
            IngestMetrics.refused(.protocolError)
        } else {
            logger.debug("ingest connection error: \(error)")
        }
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension PublisherHandler: Sendable {}
