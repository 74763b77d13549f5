/// Cuts messages into RTMP chunks the way ffmpeg and librtmp do: the first chunk of a message
/// carries the smallest header that describes it against the previous message on the same
/// chunk stream (fmt 0, 1, 2 or 3), the rest are fmt 3 continuations of at most `chunkSize`
/// bytes. Timestamps from 0xFFFFFF up go in the extended field, repeated in every fmt 3 chunk
/// of such a message (as ffmpeg, librtmp and nginx-rtmp write and expect).
public struct RTMPTestPublisherChunkWriter: Sendable {
    /// The largest chunk payload this side sends (what its Set Chunk Size announced).
    public var chunkSize: Int
    /// False: every message starts with a full fmt 0 header.
    public var compressHeaders: Bool

    /// What the last header on a chunk stream said, for the next one to be relative to.
    private struct Header: Sendable {
        var timestamp: UInt32
        /// The value of the header's timestamp field: absolute for fmt 0, a delta otherwise.
        var field: UInt32
        var fieldIsDelta: Bool
        var length: Int
        var type: UInt8
        var streamID: UInt32
    }

    private var previous: [Int: Header] = [:]

    public init(chunkSize: Int = 128, compressHeaders: Bool = true) {
        self.chunkSize = chunkSize
        self.compressHeaders = compressHeaders
    }

    /// The whole of `message` as bytes on the wire.
    public mutating func encode(_ message: RTMPTestPublisherMessage) -> [UInt8] {
        chunks(message).flatMap { $0 }
    }

    /// The chunks of `message`, each with its basic (and message or extended) header: kept
    /// apart so that chunks of messages on different chunk streams can be interleaved.
    public mutating func chunks(_ message: RTMPTestPublisherMessage) -> [[UInt8]] {
        precondition(message.payload.count <= 0xFFFFFF, "an RTMP message holds at most 16 MiB")
        precondition((2...65599).contains(message.chunkStream), "chunk stream ids are 2…65599")
        let length = message.payload.count
        var fmt: UInt8 = 0
        var field = message.timestamp
        if compressHeaders, let last = previous[message.chunkStream], last.streamID == message.streamID {
            let delta = message.timestamp &- last.timestamp
            // Serial-number arithmetic: a step past 2^32 is a small forward delta, a step back
            // needs an absolute timestamp (fmt 0).
            if delta < 0x8000_0000 {
                field = delta
                if last.length != length || last.type != message.type {
                    fmt = 1
                } else if !(last.fieldIsDelta && last.field == delta) {
                    fmt = 2
                } else {
                    // Only after a delta header: readers disagree on what a fmt 3 inherits from fmt 0.
                    fmt = 3
                }
            }
        }
        previous[message.chunkStream] = Header(
            timestamp: message.timestamp, field: field, fieldIsDelta: fmt != 0, length: length, type: message.type,
            streamID: message.streamID)

        let extended = field >= 0xFFFFFF
        var first = Self.basicHeader(fmt: fmt, chunkStream: message.chunkStream)
        if fmt <= 2 { first += Self.uint24(extended ? 0xFFFFFF : field) }
        if fmt <= 1 {
            first += Self.uint24(UInt32(length))
            first.append(message.type)
        }
        if fmt == 0 {
            // The message stream id is the one little-endian field of RTMP.
            first += [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: message.streamID >> $0) }
        }
        let extendedField = extended ? RTMPTestPublisherMessage.bigEndian(field) : []
        first += extendedField

        var chunks: [[UInt8]] = []
        var offset = 0
        repeat {
            let end = min(length, offset + chunkSize)
            let header = chunks.isEmpty ? first : Self.basicHeader(fmt: 3, chunkStream: message.chunkStream) + extendedField
            chunks.append(header + message.payload[offset..<end])
            offset = end
        } while offset < length
        return chunks
    }

    /// Forgets the previous headers, so every chunk stream starts again with fmt 0.
    public mutating func reset() { previous = [:] }

    static func basicHeader(fmt: UInt8, chunkStream: Int) -> [UInt8] {
        switch chunkStream {
        case ..<64: [fmt << 6 | UInt8(chunkStream)]
        case ..<320: [fmt << 6, UInt8(chunkStream - 64)]
        default: [fmt << 6 | 1, UInt8(truncatingIfNeeded: chunkStream - 64), UInt8(truncatingIfNeeded: (chunkStream - 64) >> 8)]
        }
    }

    private static func uint24(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
