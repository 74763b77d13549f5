import NIOCore
import RTMPProtocol

/// What the ingest server needs to know of a media message without parsing it (parsing is
/// the worker's job): whether it is codec configuration to keep for a worker that attaches
/// later, and whether a video message starts a picture a decoder can begin with.
struct MediaMessageKind {
    /// An AVC/HEVC sequence header, an AAC sequence header, or onMetaData.
    var isConfiguration: Bool
    var isVideo: Bool
    var isKeyframe: Bool

    init(_ message: RTMPMediaMessage) {
        let payload = message.payload
        let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) ?? 0
        let second = payload.getInteger(at: payload.readerIndex + 1, as: UInt8.self)
        switch message.kind {
        case .video:
            isVideo = true
            // Enhanced RTMP sets the top bit and puts the packet type in the low nibble.
            let enhanced = first & 0x80 != 0
            isKeyframe = (first >> 4) & 0x07 == 1
            isConfiguration = enhanced ? first & 0x0F == 0 : (first & 0x0F == 7 || first & 0x0F == 12) && second == 0
        case .audio:
            isVideo = false
            isKeyframe = false
            isConfiguration = first >> 4 == 10 && second == 0
        case .data:
            isVideo = false
            isKeyframe = false
            isConfiguration = Self.isMetadata(payload)
        }
    }

    /// `"@setDataFrame", "onMetaData", …` or `"onMetaData", …`: an AMF0 string first.
    private static func isMetadata(_ payload: ByteBuffer) -> Bool {
        var copy = payload
        guard copy.readInteger(as: UInt8.self) == 0x02, let length = copy.readInteger(as: UInt16.self),
            let name = copy.readString(length: Int(length))
        else { return false }
        return name == "@setDataFrame" || name == "onMetaData"
    }
}
