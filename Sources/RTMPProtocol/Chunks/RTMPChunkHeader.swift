/// The header in front of every chunk: the basic header (format and chunk stream id), the
/// message header of that format, and the extended timestamp when there is one.
///
/// Fields a format does not carry keep their defaults and are neither read nor written.
struct RTMPChunkHeader: Hashable {
    /// How much of the message header a chunk repeats.
    enum Format: UInt8 {
        /// Type 0: timestamp, length, type id and message stream id. Starts a chunk stream.
        case full = 0
        /// Type 1: timestamp delta, length and type id; same message stream.
        case sameStream = 1
        /// Type 2: timestamp delta only; same stream, length and type.
        case timestampDelta = 2
        /// Type 3: nothing; the next chunk of a message, or a new message identical in header
        /// to the previous one of the chunk stream.
        case continuation = 3
    }

    /// The 24-bit timestamp field value that announces a 32-bit extended timestamp.
    static let extendedTimestampMarker: UInt32 = 0xFF_FFFF
    /// The longest header: a 3-byte basic header, 11 bytes of type 0 and 4 of extended
    /// timestamp.
    static let maximumLength = 18

    var format: Format
    var chunkStreamID: UInt32
    /// Type 0: the absolute timestamp; types 1 and 2: the delta. Type 3: the extended field
    /// when present (whose meaning depends on the chunk, see `RTMPChunkDecoder`).
    var timestamp: UInt32 = 0
    /// Whether `timestamp` travels in the 4-byte extended field (the 24-bit field then holds
    /// 0xFFFFFF). For type 3 it is not in the chunk at all: it repeats the previous header's.
    var hasExtendedTimestamp = false
    /// Types 0 and 1.
    var messageLength = 0
    /// Types 0 and 1.
    var messageType = RTMPMessageType(rawValue: 0)
    /// Type 0 only.
    var messageStreamID: UInt32 = 0
}
