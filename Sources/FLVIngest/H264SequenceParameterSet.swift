/// What a relay needs from an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1): the
/// displayed size after cropping, profile and level as libav numbers them, and the pixel
/// format a decoder will produce. Parsed from untrusted bytes: every value is range-checked.
struct H264SequenceParameterSet: Equatable {
    /// Largest width or height accepted (16384: beyond every H.264 level).
    static let maxDimension = 16384
    /// profile_idc values whose SPS carries chroma format, bit depths and scaling lists.
    private static let highProfiles: Set<UInt32> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    var profileIDC: Int
    /// constraint_set0_flag in bit 0, constraint_set1_flag in bit 1, …
    var constraintFlags: Int
    var levelIDC: Int
    var chromaFormatIDC: Int
    var bitDepthLuma: Int
    var width: Int
    var height: Int
    /// From the VUI's video_full_range_flag; false without a VUI.
    var fullRange: Bool

    /// libav's profile number (`AV_PROFILE_H264_*`): profile_idc, plus the constrained and
    /// intra flags that libav derives from the constraint set flags.
    var profile: Int32 {
        var value = profileIDC
        if profileIDC == 66, constraintFlags & 1 << 1 != 0 { value |= 1 << 9 }
        if [110, 122, 244].contains(profileIDC), constraintFlags & 1 << 3 != 0 { value |= 1 << 11 }
        return Int32(value)
    }

    /// The libav pixel format name a decoder reports ("yuv420p", "yuvj420p", "yuv422p10le").
    var pixelFormat: String {
        // libav decodes monochrome (chroma_format_idc 0) into 4:2:0 with neutral chroma.
        let base = ["yuv420p", "yuv420p", "yuv422p", "yuv444p"][chromaFormatIDC]
        if bitDepthLuma > 8 { return "\(base)\(bitDepthLuma)le" }
        if fullRange { return "yuvj" + base.dropFirst(3) }
        return base
    }

    /// Parses one SPS NAL unit, its header byte included.
    init(nalUnit: [UInt8]) throws(MediaFormatError) {
        guard let header = nalUnit.first else { throw .malformed("SPS is empty") }
        guard header & 0x80 == 0, header & 0x1F == 7 else {
            throw .malformed("SPS NAL unit has type \(header & 0x1F), not 7")
        }
        var reader = BitReader(Self.unescape(nalUnit.dropFirst()), what: "SPS")
        profileIDC = Int(try reader.bits(8))
        let flagByte = try reader.bits(8)
        // constraint_set0_flag is the byte's most significant bit.
        constraintFlags = (0..<8).reduce(0) { $0 | Int(flagByte >> (7 - $1) & 1) << $1 }
        levelIDC = Int(try reader.bits(8))
        _ = try reader.ue("seq_parameter_set_id", max: 31)

        chromaFormatIDC = 1
        bitDepthLuma = 8
        var separateColourPlanes = false
        if Self.highProfiles.contains(UInt32(profileIDC)) {
            chromaFormatIDC = Int(try reader.ue("chroma_format_idc", max: 3))
            if chromaFormatIDC == 3 { separateColourPlanes = try reader.flag() }
            bitDepthLuma = 8 + Int(try reader.ue("bit_depth_luma_minus8", max: 6))
            _ = try reader.ue("bit_depth_chroma_minus8", max: 6)
            try reader.skip(1)  // qpprime_y_zero_transform_bypass_flag
            if try reader.flag() {  // seq_scaling_matrix_present_flag
                for list in 0..<(chromaFormatIDC == 3 ? 12 : 8) {
                    if try reader.flag() { try Self.skipScalingList(&reader, size: list < 6 ? 16 : 64) }
                }
            }
        }
        _ = try reader.ue("log2_max_frame_num_minus4", max: 12)
        switch try reader.ue("pic_order_cnt_type", max: 2) {
        case 0:
            _ = try reader.ue("log2_max_pic_order_cnt_lsb_minus4", max: 12)
        case 1:
            try reader.skip(1)  // delta_pic_order_always_zero_flag
            _ = try reader.se()  // offset_for_non_ref_pic
            _ = try reader.se()  // offset_for_top_to_bottom_field
            let cycle = try reader.ue("num_ref_frames_in_pic_order_cnt_cycle", max: 255)
            for _ in 0..<cycle { _ = try reader.se() }
        default:
            break
        }
        _ = try reader.ue("max_num_ref_frames", max: 16)
        try reader.skip(1)  // gaps_in_frame_num_value_allowed_flag
        let maxUnits = UInt32(Self.maxDimension / 16)
        let widthInMbs = Int(try reader.ue("pic_width_in_mbs_minus1", max: maxUnits - 1)) + 1
        let heightInMapUnits = Int(try reader.ue("pic_height_in_map_units_minus1", max: maxUnits - 1)) + 1
        let frameMbsOnly = try reader.flag()
        if !frameMbsOnly { try reader.skip(1) }  // mb_adaptive_frame_field_flag
        try reader.skip(1)  // direct_8x8_inference_flag

        let codedWidth = widthInMbs * 16
        let codedHeight = heightInMapUnits * 16 * (frameMbsOnly ? 1 : 2)
        guard codedHeight <= Self.maxDimension else {
            throw .malformed("SPS gives a coded height of \(codedHeight), beyond \(Self.maxDimension)")
        }
        var width = codedWidth, height = codedHeight
        if try reader.flag() {  // frame_cropping_flag
            // Table 6-1: crop units are chroma samples, doubled vertically for field coding.
            let chromaArrayType = separateColourPlanes ? 0 : chromaFormatIDC
            let unitX = chromaArrayType == 0 || chromaArrayType == 3 ? 1 : 2
            let unitY = (chromaArrayType == 1 ? 2 : 1) * (frameMbsOnly ? 1 : 2)
            let limit = UInt32(Self.maxDimension)
            let left = Int(try reader.ue("frame_crop_left_offset", max: limit))
            let right = Int(try reader.ue("frame_crop_right_offset", max: limit))
            let top = Int(try reader.ue("frame_crop_top_offset", max: limit))
            let bottom = Int(try reader.ue("frame_crop_bottom_offset", max: limit))
            width -= (left + right) * unitX
            height -= (top + bottom) * unitY
            guard width > 0, height > 0 else {
                throw .malformed("SPS crops its \(codedWidth)x\(codedHeight) picture to nothing")
            }
        }
        self.width = width
        self.height = height
        // The VUI only refines the pixel format: a VUI too short to say leaves it limited range.
        let hasVUI = (try? reader.flag()) ?? false
        fullRange = hasVUI ? (try? Self.readFullRange(&reader)) ?? false : false
    }

    /// Skips scaling_list() (7.3.2.1.1.1): deltas are read until the list is full or ends.
    private static func skipScalingList(_ reader: inout BitReader, size: Int) throws(MediaFormatError) {
        var last: Int32 = 8, next: Int32 = 8
        for _ in 0..<size where next != 0 {
            let delta = try reader.se()
            guard (-128...127).contains(delta) else { throw .malformed("SPS delta_scale \(delta) is out of range") }
            next = (last + delta + 256) % 256
            if next != 0 { last = next }
        }
    }

    /// Reads the VUI (E.1.1) up to video_full_range_flag.
    private static func readFullRange(_ reader: inout BitReader) throws(MediaFormatError) -> Bool {
        if try reader.flag() {  // aspect_ratio_info_present_flag
            // aspect_ratio_idc 255 (Extended_SAR) is followed by sar_width and sar_height.
            if try reader.bits(8) == 255 { try reader.skip(32) }
        }
        if try reader.flag() { try reader.skip(1) }  // overscan_info_present_flag, overscan_appropriate_flag
        guard try reader.flag() else { return false }  // video_signal_type_present_flag
        try reader.skip(3)  // video_format
        return try reader.flag()
    }

    /// The RBSP: emulation prevention bytes (the 3 in 00 00 03) removed.
    static func unescape(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var zeros = 0
        for byte in bytes {
            if zeros >= 2, byte == 3 {
                zeros = 0
                continue
            }
            zeros = byte == 0 ? zeros + 1 : 0
            output.append(byte)
        }
        return output
    }
}
