/// Why a publisher's media message cannot be used. The source turns it into a
/// `RelayError(.source, …)` that names the message (kind, timestamp); the text never holds
/// the stream key.
enum MediaFormatError: Error, Equatable, CustomStringConvertible {
    /// The bytes contradict the format (truncated, bad lengths, reserved or absurd values).
    case malformed(String)
    /// Well-formed, but a codec relaygate does not ingest.
    case unsupported(String)

    var description: String {
        switch self {
        case .malformed(let detail): detail
        case .unsupported(let codec): "unsupported \(codec); relaygate ingests H.264 and AAC"
        }
    }
}
