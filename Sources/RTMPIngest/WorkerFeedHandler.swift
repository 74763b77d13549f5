import NIOCore

/// The only handler on a worker's ingest socket. Workers never write to it, so anything
/// read is discarded; the socket closing (the worker died) is reported once.
final class WorkerFeedHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let onClose: () -> Void

    init(onClose: @escaping () -> Void) { self.onClose = onClose }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelInactive(context: ChannelHandlerContext) {
        onClose()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // EPIPE or a reset: the worker is gone. Closing reports it through channelInactive.
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension WorkerFeedHandler: Sendable {}
