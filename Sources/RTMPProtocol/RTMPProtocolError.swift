/// Why an RTMP connection is given up. Every case closes the connection it arose on.
///
/// Messages describe the violation in terms of the protocol (markers, lengths, limits),
/// never with payload bytes or stream names, so they can be logged as they are.
package enum RTMPProtocolError: Error, Hashable, CustomStringConvertible {
    /// A C0 other than 3 (6 would ask for RTMPE encryption, which is not offered).
    case unsupportedHandshakeVersion(UInt8)
    /// An AMF0 type marker that RTMP peers do not use, or that may not appear here (an
    /// object end outside an object, a reference, the switch to AMF3).
    case unsupportedAMF0Marker(UInt8)
    /// Objects or arrays nested deeper than the limit.
    case amf0NestingTooDeep(limit: Int)
    /// A message whose AMF0 values end part-way through one.
    case truncatedAMF0
    /// A chunk of type 1, 2 or 3 on a chunk stream that has had no type 0 header.
    case chunkWithoutPreviousHeader(chunkStreamID: UInt32)
    /// More distinct chunk streams than the limit.
    case tooManyChunkStreams(limit: Int)
    /// A message header declaring a message longer than the limit.
    case messageTooLong(length: Int, limit: Int)
    /// Partly received messages holding more bytes, together, than the limit.
    case partialMessagesTooLarge(limit: Int)
    /// A Set Chunk Size of zero or above the limit.
    case invalidChunkSize(Int, limit: Int)
    /// A command other than `connect` as the first one.
    case commandBeforeConnect
    /// A second `connect` on one connection.
    case repeatedConnect
    /// A message too short for its type, or whose fields make no sense for it.
    case malformedMessage(type: RTMPMessageType)

    package var description: String {
        switch self {
        case .unsupportedHandshakeVersion(let version):
            "unsupported RTMP handshake version \(version)"
        case .unsupportedAMF0Marker(let marker):
            "unsupported AMF0 marker 0x\(String(marker, radix: 16))"
        case .amf0NestingTooDeep(let limit):
            "AMF0 values nested deeper than \(limit) levels"
        case .truncatedAMF0:
            "AMF0 value cut off before its end"
        case .chunkWithoutPreviousHeader(let chunkStreamID):
            "chunk on chunk stream \(chunkStreamID) refers to a previous header it never had"
        case .tooManyChunkStreams(let limit):
            "more than \(limit) chunk streams"
        case .messageTooLong(let length, let limit):
            "message of \(length) bytes exceeds the limit of \(limit)"
        case .partialMessagesTooLarge(let limit):
            "partly received messages exceed \(limit) bytes together"
        case .invalidChunkSize(let size, let limit):
            "chunk size \(size) outside 1...\(limit)"
        case .commandBeforeConnect:
            "command before connect"
        case .repeatedConnect:
            "second connect on one connection"
        case .malformedMessage(let type):
            "malformed message of type \(type)"
        }
    }
}
