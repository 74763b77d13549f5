/// Why an RTMP connection is given up. Every case closes the connection it arose on.
///
/// Messages describe the violation in terms of the protocol (markers, lengths, limits),
/// never with payload bytes or stream names, so they can be logged as they are.
package enum RTMPProtocolError: Error, Hashable, CustomStringConvertible {
    /// An AMF0 type marker that RTMP peers do not use, or that may not appear here (an
    /// object end outside an object, a reference, the switch to AMF3).
    case unsupportedAMF0Marker(UInt8)
    /// Objects or arrays nested deeper than the limit.
    case amf0NestingTooDeep(limit: Int)
    /// A message whose AMF0 values end part-way through one.
    case truncatedAMF0

    package var description: String {
        switch self {
        case .unsupportedAMF0Marker(let marker):
            "unsupported AMF0 marker 0x\(String(marker, radix: 16))"
        case .amf0NestingTooDeep(let limit):
            "AMF0 values nested deeper than \(limit) levels"
        case .truncatedAMF0:
            "AMF0 value cut off before its end"
        }
    }
}
