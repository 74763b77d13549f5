import NIOCore

@testable import RTMPProtocol

/// Stands in for the ingest server after `RTMPServerHandler`: answers every publish request
/// at once, from inside `channelRead`, and passes every event on.
final class PublishAnsweringHandler: ChannelDuplexHandler {
    typealias InboundIn = RTMPServerEvent
    typealias InboundOut = RTMPServerEvent
    typealias OutboundIn = RTMPServerCommand
    typealias OutboundOut = RTMPServerCommand

    enum Answer {
        case accept
        case reject
        /// Leaves requests unanswered: media stays dropped.
        case none
    }

    private let answer: Answer

    init(_ answer: Answer) {
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .publishRequested = Self.unwrapInboundIn(data) {
            switch self.answer {
            case .accept:
                context.writeAndFlush(Self.wrapOutboundOut(.acceptPublish), promise: nil)
            case .reject:
                context.writeAndFlush(Self.wrapOutboundOut(.rejectPublish(code: "NetStream.Publish.BadName", description: "No.")), promise: nil)
            case .none:
                break
            }
        }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension PublishAnsweringHandler: Sendable {}
