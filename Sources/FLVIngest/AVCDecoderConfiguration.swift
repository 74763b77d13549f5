/// An AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1, "avcC"): the body of an FLV
/// AVC sequence header, and the extradata libav expects for H.264 as is.
struct AVCDecoderConfiguration: Equatable {
    /// The record's bytes, unchanged.
    var bytes: [UInt8]
    /// Bytes in each NAL unit's length prefix in the packets: 1, 2 or 4.
    var lengthSize: Int
    /// The first SPS, which describes the stream.
    var sps: H264SequenceParameterSet

    init(_ bytes: [UInt8]) throws(MediaFormatError) {
        var reader = ByteReader(bytes, what: "AVC sequence header")
        let version = try reader.u8()
        guard version == 1 else { throw .malformed("AVC sequence header has configuration version \(version), not 1") }
        try reader.skip(3)  // profile, compatibility and level: the SPS is authoritative
        lengthSize = Int(try reader.u8() & 0x03) + 1
        guard lengthSize != 3 else { throw .malformed("AVC sequence header gives NAL unit lengths of 3 bytes") }
        let spsCount = Int(try reader.u8() & 0x1F)
        guard spsCount > 0 else { throw .malformed("AVC sequence header has no SPS") }
        var first: [UInt8]?
        for _ in 0..<spsCount {
            let nalUnit = try reader.take(try reader.u16())
            if first == nil { first = nalUnit }
        }
        let ppsCount = Int(try reader.u8())
        for _ in 0..<ppsCount { try reader.skip(try reader.u16()) }
        // Bytes after the PPS (the high profiles' chroma and bit depth fields) repeat the SPS.
        sps = try H264SequenceParameterSet(nalUnit: first ?? [])
        self.bytes = bytes
    }

    /// Checks that `data` is a sequence of NAL units, each behind a `lengthSize` prefix, with
    /// nothing left over: what FLV carries and what every muxer and decoder downstream expects.
    func validate(nalUnits data: [UInt8]) throws(MediaFormatError) {
        var reader = ByteReader(data, what: "frame")
        while reader.remaining > 0 {
            guard reader.remaining >= lengthSize else {
                throw .malformed("frame ends inside a NAL unit length (\(reader.remaining) bytes left)")
            }
            var length = 0
            for _ in 0..<lengthSize { length = length << 8 | Int(try reader.u8()) }
            guard length <= reader.remaining else {
                throw .malformed("frame has a NAL unit of \(length) bytes with \(reader.remaining) left")
            }
            try reader.skip(length)
        }
    }
}
