import Logging
import NIOCore
import NIOEmbedded
import RTMPProtocol
import Testing

@testable import RTMPIngest

/// When the ingest server closes a connection that never publishes or goes quiet: the
/// handlers of `RTMPIngestServer.setUp` on an EmbeddedEventLoop, whose `advanceTime` is the
/// manual clock for PublisherHandler's `handshake_timeout` deadline. NIO's IdleStateHandler
/// (`idle_timeout`) measures quiet with the real clock (`NIODeadline.now()`), so its timing is
/// NIO's; here its idle event is fired by hand to check that it closes the connection through
/// RTMPServerHandler. The end-to-end test (IngestRobustnessTests) checks that such connections
/// are closed, for the right reason, without timing them.
@Suite struct ConnectionTimeoutTests {
    let loop = EmbeddedEventLoop()

    /// An open connection with the ingest's handler chain and no relays.
    func connection(handshake: Duration, idle: Duration) throws -> EmbeddedChannel {
        let configuration = RTMPIngestConfiguration(handshakeTimeout: handshake, idleTimeout: idle)
        let channel = EmbeddedChannel(loop: loop)
        try channel.pipeline.syncOperations.addHandlers(
            ByteCounter(ConnectionCounters()),
            IdleStateHandler(readTimeout: TimeAmount(idle)),
            RTMPServerHandler(configuration: configuration.session),
            PublisherHandler(
                lookup: { _, _ in nil }, counters: ConnectionCounters(), handshakeTimeout: configuration.handshakeTimeout,
                logger: Logger(label: "test")))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1935)).wait()
        return channel
    }

    /// One byte of the handshake's C0/C1: valid, incomplete, and something received.
    func trickle(_ channel: EmbeddedChannel, _ byte: UInt8 = 3) throws {
        try channel.writeInbound(ByteBuffer(bytes: [byte]))
    }

    @Test func theIdleEventClosesTheConnectionBeforeItPublishes() throws {
        let channel = try connection(handshake: .seconds(10), idle: .seconds(1))
        try trickle(channel)
        #expect(channel.isActive)
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        #expect(!channel.isActive)
    }

    @Test func otherIdleEventsLeaveTheConnectionOpen() throws {
        let channel = try connection(handshake: .seconds(10), idle: .seconds(1))
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.write)
        channel.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.all)
        #expect(channel.isActive)
    }

    @Test func aConnectionThatKeepsTalkingButNeverPublishesIsClosedAtTheHandshakeTimeout() throws {
        let channel = try connection(handshake: .seconds(3), idle: .seconds(1))
        // C0 first, then C1 a byte at a time every 500 ms: never idle, never published.
        try trickle(channel, 3)
        for _ in 0..<5 {
            loop.advanceTime(by: .milliseconds(500))
            try trickle(channel, 0)
        }
        loop.advanceTime(by: .milliseconds(499))
        #expect(channel.isActive, "closed before the 3 s handshake timeout")
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }

    @Test func theHandshakeTimeoutCountsFromTheConnectionNotFromItsLastByte() throws {
        let channel = try connection(handshake: .seconds(2), idle: .seconds(10))
        loop.advanceTime(by: .milliseconds(1900))
        try trickle(channel)
        loop.advanceTime(by: .milliseconds(99))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(!channel.isActive)
    }
}
