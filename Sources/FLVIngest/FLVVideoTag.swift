/// One FLV video tag body (FLV spec E.4.3.1, VIDEODATA) as an RTMP video message carries
/// it. Only AVC (codec id 7) is ingested; anything else is refused by name.
enum FLVVideoTag: Equatable {
    /// AVCPacketType 0: the decoder configuration.
    case sequenceHeader(AVCDecoderConfiguration)
    /// AVCPacketType 1: one access unit as length-prefixed NAL units; presentation time is
    /// the message timestamp plus `compositionTime` (ms, may be negative).
    case frame(isKeyframe: Bool, compositionTime: Int32, nalUnits: [UInt8])
    /// End of sequence, a video info/command frame, or an access unit without data (skipped
    /// as libav's FLV demuxer skips it).
    case nothing

    private static let avc: UInt8 = 7
    private static let keyframe: UInt8 = 1
    private static let commandFrame: UInt8 = 5
    private static let codecNames: [UInt8: String] = [
        1: "JPEG", 2: "Sorenson H.263", 3: "Screen Video", 4: "On2 VP6", 5: "On2 VP6 with alpha", 6: "Screen Video v2",
        12: "HEVC (codec id 12)", 13: "AV1 (codec id 13)",
    ]

    init(_ payload: [UInt8]) throws(MediaFormatError) {
        var reader = ByteReader(payload, what: "tag header")
        guard reader.remaining > 0 else { throw .malformed("empty body") }
        let first = try reader.u8()
        if first & 0x80 != 0 {
            // Enhanced RTMP: a FourCC names the codec (hvc1, av01, vp09, avc1 …).
            let fourCC = try reader.take(4)
            throw .unsupported("video codec \(Self.printable(fourCC)) (enhanced RTMP)")
        }
        let frameType = first >> 4, codecID = first & 0x0F
        guard (1...5).contains(frameType) else { throw .malformed("reserved frame type \(frameType)") }
        if frameType == Self.commandFrame {
            self = .nothing
            return
        }
        guard codecID == Self.avc else {
            throw .unsupported("video codec \(Self.codecNames[codecID] ?? "id \(codecID)")")
        }
        let packetType = try reader.u8()
        let compositionTime = try reader.si24()
        switch packetType {
        case 0:
            self = .sequenceHeader(try AVCDecoderConfiguration(reader.rest()))
        case 1:
            let data = reader.rest()
            let isKeyframe = frameType == Self.keyframe
            self = data.isEmpty ? .nothing : .frame(isKeyframe: isKeyframe, compositionTime: compositionTime, nalUnits: data)
        case 2:
            self = .nothing
        default:
            throw .malformed("unknown AVC packet type \(packetType)")
        }
    }

    /// A FourCC as text when it is printable ASCII, else in hex.
    static func printable(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) { return String(decoding: bytes, as: UTF8.self) }
        return "0x" + bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension String {
    /// Zero-padded on the left to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
