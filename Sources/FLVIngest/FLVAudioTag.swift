/// One FLV audio tag body (FLV spec E.4.2.1, AUDIODATA) as an RTMP audio message carries
/// it. Only AAC (sound format 10) is ingested; anything else is refused by name.
enum FLVAudioTag: Equatable {
    /// AACPacketType 0: the AudioSpecificConfig.
    case sequenceHeader(AudioSpecificConfig)
    /// AACPacketType 1: one raw AAC frame.
    case frame([UInt8])
    /// A frame without data, skipped as libav's FLV demuxer skips it.
    case nothing

    private static let aac: UInt8 = 10
    /// Enhanced RTMP's audio header: a FourCC follows.
    private static let exHeader: UInt8 = 9
    private static let formatNames: [UInt8: String] = [
        0: "linear PCM", 1: "ADPCM", 2: "MP3", 3: "linear PCM (little endian)", 4: "Nellymoser 16 kHz",
        5: "Nellymoser 8 kHz", 6: "Nellymoser", 7: "G.711 A-law", 8: "G.711 mu-law", 11: "Speex", 14: "MP3 8 kHz",
        15: "device-specific sound",
    ]

    init(_ payload: [UInt8]) throws(MediaFormatError) {
        var reader = ByteReader(payload, what: "tag header")
        guard reader.remaining > 0 else { throw .malformed("empty body") }
        let format = try reader.u8() >> 4
        if format == Self.exHeader {
            let fourCC = try reader.take(4)
            throw .unsupported("audio codec \(FLVVideoTag.printable(fourCC)) (enhanced RTMP)")
        }
        guard format == Self.aac else {
            throw .unsupported("audio codec \(Self.formatNames[format] ?? "sound format \(format)")")
        }
        let packetType = try reader.u8()
        let body = reader.rest()
        switch packetType {
        case 0:
            self = .sequenceHeader(try AudioSpecificConfig(body))
        case 1:
            self = body.isEmpty ? .nothing : .frame(body)
        default:
            throw .malformed("unknown AAC packet type \(packetType)")
        }
    }
}
