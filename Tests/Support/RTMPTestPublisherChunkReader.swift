/// Reassembles the server's chunks into messages: fmt 0–3 headers, one-, two- and
/// three-byte chunk stream ids, extended timestamps (also in fmt 3 chunks after an extended
/// header), and the chunk size the server announced. Bytes go in as they arrive; a chunk is
/// only consumed once it is complete, so any split of the byte stream reads the same.
///
/// The publisher reads the server with it; a robustness test can decode raw bytes with it.
public struct RTMPTestPublisherChunkReader: Sendable {
    /// The largest chunk payload the server sends (its Set Chunk Size; 128 until then).
    public var chunkSize = 128

    private struct Stream: Sendable {
        var timestamp: UInt32 = 0
        var delta: UInt32 = 0
        var length = 0
        var type: UInt8 = 0
        var streamID: UInt32 = 0
        var extended = false
        var hasHeader = false
        /// The message being reassembled; nil between messages.
        var partial: [UInt8]?
    }

    private var streams: [Int: Stream] = [:]
    private var buffer: [UInt8] = []
    private var position = 0

    public init() {}

    public mutating func append(_ bytes: [UInt8]) {
        // Drop what was consumed now and then, not on every chunk.
        if position > 65536 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer += bytes
    }

    /// The server's Abort Message: the partly received message on `chunkStream` is dropped.
    public mutating func abort(chunkStream: Int) { streams[chunkStream]?.partial = nil }

    /// The next complete message, or nil until more bytes are appended.
    public mutating func next() throws -> RTMPTestPublisherMessage? {
        while true {
            guard let (message, consumed) = try parseChunk() else { return nil }
            position += consumed
            if let message { return message }
        }
    }

    /// Parses the chunk at `position`: nil if it is not all here yet, else the bytes it took
    /// and the message it completed (if it did). State changes only for a complete chunk.
    private mutating func parseChunk() throws -> (RTMPTestPublisherMessage?, Int)? {
        var p = position
        func have(_ count: Int) -> Bool { buffer.count - p >= count }
        func uint(_ count: Int) -> UInt32 {
            defer { p += count }
            return buffer[p..<p + count].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }

        guard have(1) else { return nil }
        let fmt = buffer[p] >> 6
        var chunkStream = Int(buffer[p] & 0x3F)
        p += 1
        if chunkStream == 0 {
            guard have(1) else { return nil }
            chunkStream = 64 + Int(buffer[p])
            p += 1
        } else if chunkStream == 1 {
            guard have(2) else { return nil }
            chunkStream = 64 + Int(buffer[p]) + 256 * Int(buffer[p + 1])
            p += 2
        }

        var stream = streams[chunkStream] ?? Stream()
        guard fmt == 0 || stream.hasHeader else {
            throw RTMPTestPublisherError.protocolViolation(
                "fmt \(fmt) chunk on chunk stream \(chunkStream), which had no header yet")
        }
        let continuing = stream.partial != nil
        guard fmt == 3 || !continuing else {
            throw RTMPTestPublisherError.protocolViolation(
                "fmt \(fmt) header on chunk stream \(chunkStream) in the middle of a \(stream.length)-byte message")
        }

        guard have([11, 7, 3, 0][Int(fmt)]) else { return nil }
        var field: UInt32 = 0
        if fmt <= 2 { field = uint(3) }
        if fmt <= 1 {
            stream.length = Int(uint(3))
            stream.type = buffer[p]
            p += 1
        }
        if fmt == 0 {
            stream.streamID = buffer[p..<p + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            p += 4
        }
        if fmt <= 2 { stream.extended = field == 0xFFFFFF }
        if stream.extended {
            guard have(4) else { return nil }
            let value = uint(4)
            if fmt <= 2 { field = value }
        }

        if !continuing {
            switch fmt {
            case 0:
                stream.timestamp = field
                // As ffmpeg reads it: a fmt 3 message after fmt 0 steps by the fmt 0 timestamp.
                stream.delta = field
            case 1, 2:
                stream.delta = field
                stream.timestamp &+= field
            default:
                stream.timestamp &+= stream.delta
            }
            stream.partial = []
            stream.hasHeader = true
        }

        let wanted = min(chunkSize, stream.length - stream.partial!.count)
        guard have(wanted) else { return nil }
        stream.partial! += buffer[p..<p + wanted]
        p += wanted

        var message: RTMPTestPublisherMessage?
        if stream.partial!.count == stream.length {
            message = RTMPTestPublisherMessage(
                chunkStream: chunkStream, type: stream.type, streamID: stream.streamID, timestamp: stream.timestamp,
                payload: stream.partial!)
            stream.partial = nil
        }
        streams[chunkStream] = stream
        return (message, p - position)
    }
}
