import RelayCore

/// The `socket` variant's framing: every message is an 8-byte header and a payload.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 1 | stream: 0 video, 1 audio |
/// | 1 | 3 | reserved, zero |
/// | 4 | 4 | payload length in bytes, unsigned little-endian |
///
/// A video payload is exactly one frame; an audio payload is any whole number of sample
/// frames up to one second, cut into 20 ms chunks on this side.
struct SocketFraming {
    static let headerSize = 8

    struct Header: Equatable {
        var stream: Int
        var length: Int
    }

    let frameBytes: Int
    /// Bytes per sample frame (all channels), nil without audio.
    let audioFrameBytes: Int?
    let maxAudioBytes: Int

    init(video: RawPipeSourcePlugin.Video, audio: RawPipeSourcePlugin.Audio?) {
        frameBytes = video.frameBytes
        audioFrameBytes = audio.map { $0.channels * 2 }
        maxAudioBytes = audio.map { $0.sampleRate * $0.channels * 2 } ?? 0
    }

    /// Checks one header against the declared formats.
    func parse(_ bytes: some Collection<UInt8>) throws(RelayError) -> Header {
        let b = Array(bytes)
        precondition(b.count == Self.headerSize)
        guard b[1] == 0, b[2] == 0, b[3] == 0 else { throw Self.violation("reserved header bytes must be zero") }
        let length = Int(b[4]) | Int(b[5]) << 8 | Int(b[6]) << 16 | Int(b[7]) << 24
        switch b[0] {
        case 0:
            guard length == frameBytes else {
                throw Self.violation("a video message holds \(length) bytes; one frame is \(frameBytes)")
            }
            return Header(stream: 0, length: length)
        case 1:
            guard let audioFrameBytes else { throw Self.violation("audio message, but the route declares no audio") }
            guard length > 0, length % audioFrameBytes == 0, length <= maxAudioBytes else {
                throw Self.violation(
                    "an audio message holds \(length) bytes; expected a multiple of \(audioFrameBytes) up to \(maxAudioBytes)")
            }
            return Header(stream: 1, length: length)
        default:
            throw Self.violation("unknown stream \(b[0]) (0 is video, 1 audio)")
        }
    }

    static func violation(_ text: String) -> RelayError {
        RelayError(.source, "rawpipe: socket: \(text)")
    }
}
