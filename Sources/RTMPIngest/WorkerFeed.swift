import NIOCore
import RelayCore
import WorkerProtocol

/// The supervisor's end of one worker's ingest socket, as a NIO channel: frames of
/// `IngestFrame` go out without copying media payloads (header and payload are written
/// separately and leave in one `writev`). Media is flushed by the caller once per read from
/// the publisher, so the messages of one read wake the worker once.
///
/// Bounded: the channel stops being writable once `queueBytes` are pending (the worker is
/// behind), and `Endpoint` then drops media up to the next keyframe rather than queueing.
struct WorkerFeed {
    let channel: any Channel

    var isWritable: Bool { channel.isWritable }

    func send(_ message: IngestMessage) {
        let bytes = IngestFrame.encode(message)
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    /// Writes without flushing (see `flush`).
    func write(_ media: RTMPMediaFrame) {
        let header = IngestFrame.mediaHeader(
            kind: media.kind, timestamp: media.timestamp, payloadLength: media.payload.readableBytes)
        channel.write(channel.allocator.buffer(bytes: header), promise: nil)
        channel.write(media.payload, promise: nil)
    }

    /// Everything written leaves: replays and single messages.
    func send(_ media: RTMPMediaFrame) {
        write(media)
        channel.flush()
    }

    func flush() { channel.flush() }

    func close() {
        channel.close(promise: nil)
    }
}

/// A media message on its way to a worker: its payload as received, its timestamp unwrapped.
struct RTMPMediaFrame {
    var kind: IngestMedia.Kind
    var timestamp: Int64
    var payload: ByteBuffer
}
