import NIOCore

/// First in a connection's pipeline: counts every byte received (handshake included) for
/// the connection's stats, and passes the bytes on untouched.
final class ByteCounter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let counters: ConnectionCounters

    init(_ counters: ConnectionCounters) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let count = unwrapInboundIn(data).readableBytes
        counters.add(count)
        IngestMetrics.received(count)
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension ByteCounter: Sendable {}
