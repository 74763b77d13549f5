/// What the server side of an RTMP connection announces, and the limits it enforces on
/// the peer. Every limit turns an oversized or malformed input into a protocol error that
/// closes that one connection, so no peer can make the server buffer without bound.
package struct RTMPServerConfiguration: Sendable, Equatable {
    /// Our outbound chunk size, announced with Set Chunk Size right after `connect`. The
    /// ffmpeg CLI's publisher mirrors it (it echoes a server's Set Chunk Size and sends
    /// with that size), so this also decides the chunk size ffmpeg publishes with.
    package var chunkSize: Int
    /// Announced with Window Acknowledgement Size: how often the peer acknowledges what
    /// we send.
    package var windowAcknowledgementSize: UInt32
    /// Announced with Set Peer Bandwidth (dynamic).
    package var peerBandwidth: UInt32
    /// A peer's Set Chunk Size above this is refused. Chunk size alone costs no memory (a
    /// chunk never exceeds its message), so the default admits every real client.
    package var maxChunkSize: Int
    /// A message header declaring a longer message is refused; it also bounds the bytes
    /// held in partly received messages across all chunk streams of the connection.
    package var maxMessageSize: Int
    /// Chunk streams the peer may use at once (clients use a handful).
    package var maxChunkStreams: Int

    package init(
        chunkSize: Int = 4096, windowAcknowledgementSize: UInt32 = 2_500_000, peerBandwidth: UInt32 = 2_500_000,
        maxChunkSize: Int = 0xFF_FFFF, maxMessageSize: Int = 8 * 1024 * 1024, maxChunkStreams: Int = 64
    ) {
        self.chunkSize = chunkSize
        self.windowAcknowledgementSize = windowAcknowledgementSize
        self.peerBandwidth = peerBandwidth
        self.maxChunkSize = maxChunkSize
        self.maxMessageSize = maxMessageSize
        self.maxChunkStreams = maxChunkStreams
    }
}
