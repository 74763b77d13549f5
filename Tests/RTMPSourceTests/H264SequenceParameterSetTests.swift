import Testing

@testable import FLVIngest
@testable import RTMPSource

/// The SPS parser against SPS taken from streams libx264 wrote through ffmpeg (sizes, profile,
/// level and pixel format as ffprobe reported them), against hand-built SPS for what no
/// encoder at hand writes, and against hostile bytes.
@Suite struct H264SequenceParameterSetTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var sps: String
        var width: Int
        var height: Int
        var profile: Int32
        var level: Int
        var pixelFormat = "yuv420p"
        var testDescription: String { name }
    }

    static let fromFFmpeg: [Vector] = [
        Vector(
            name: "1920x1080 Constrained Baseline, 1088 rows cropped to 1080",
            sps: "6742c028da01e0089f97011000000300100000030320f1832a", width: 1920, height: 1080, profile: 66 | 1 << 9,
            level: 40),
        Vector(
            name: "854x480 High, 864 columns cropped to 854", sps: "6764001eacd940d83de6f011000003000100000300320f162d96",
            width: 854, height: 480, profile: 100, level: 30),
        Vector(
            name: "641x361 High 4:4:4 (crop unit 1)",
            sps: "67f4001e919b281485fc2111ff86728670880000030008000003019078b16cb0", width: 641, height: 361, profile: 244,
            level: 30, pixelFormat: "yuv444p"),
        Vector(
            name: "642x362 High 4:2:2", sps: "677a001ebcd940a42fe227c044000003000400000300f03c58b658", width: 642, height: 362,
            profile: 122, level: 30, pixelFormat: "yuv422p"),
        Vector(
            name: "720x576 interlaced (field pairs)", sps: "6764001eacd940b424d8088000000300800000190f8a14cb", width: 720,
            height: 576, profile: 100, level: 30),
        Vector(
            name: "1920x1080 interlaced, cropped in field units",
            sps: "67640028acd94078044fde0220000003002000000643e2c5b2c0", width: 1920, height: 1080, profile: 100, level: 40),
        Vector(
            name: "1280x720 High 10", sps: "676e001fa6cd9405005bb0110000030001000003003c0f183196", width: 1280, height: 720,
            profile: 110, level: 31, pixelFormat: "yuv420p10le"),
        Vector(
            name: "360x640 portrait", sps: "6764001eacd9417051e5f0110000030001000003003c0f162d96", width: 360, height: 640,
            profile: 100, level: 30),
        Vector(
            name: "320x240 Constrained Baseline", sps: "6742c00dd90141fb0110000003001000000303c0f142a480", width: 320,
            height: 240, profile: 66 | 1 << 9, level: 13),
        Vector(
            name: "1280x720 full range", sps: "6764001facd9405005bb016c80000003008000001e078c18cb", width: 1280, height: 720,
            profile: 100, level: 31, pixelFormat: "yuvj420p"),
        Vector(
            name: "1442x810", sps: "67640020acd9405b067e224c0440000003004000000c83c60c6580", width: 1442, height: 810,
            profile: 100, level: 32),
        Vector(
            name: "321x241 monochrome, full range",
            sps: "6764000df36505421e10843ff0f100b496c80000030008000003019078a14cb0", width: 321, height: 241, profile: 100,
            level: 13, pixelFormat: "yuvj420p"),
    ]

    @Test(arguments: fromFFmpeg)
    func readsWhatLibx264Wrote(_ vector: Vector) throws {
        let sps = try H264SequenceParameterSet(nalUnit: hex(vector.sps))
        #expect(sps.width == vector.width && sps.height == vector.height)
        #expect(sps.profile == vector.profile && sps.levelIDC == vector.level)
        #expect(sps.pixelFormat == vector.pixelFormat)
    }

    /// Fields of a hand-built SPS.
    struct Fields {
        var profileIDC: UInt64 = 100
        var constraintByte: UInt64 = 0
        var chromaFormatIDC: UInt64 = 1
        var bitDepthMinus8: UInt64 = 0
        /// Per list (8 or 12): nil when absent, else the delta_scale values written.
        var scalingLists: [[Int64]?]?
        var pocType: UInt64 = 0
        var pocCycle: [Int64] = []
        var maxRefFrames: UInt64 = 4
        var widthInMbs: UInt64 = 80
        var heightInMapUnits: UInt64 = 45
        var frameMbsOnly = true
        var crop: (left: UInt64, right: UInt64, top: UInt64, bottom: UInt64)?

        var bytes: [UInt8] {
            var writer = BitWriter()
            writer.bits(0x67, 8)
            writer.bits(profileIDC, 8)
            writer.bits(constraintByte, 8)
            writer.bits(31, 8)
            writer.ue(0)
            if profileIDC == 100 || profileIDC == 244 {
                writer.ue(chromaFormatIDC)
                if chromaFormatIDC == 3 { writer.flag(false) }
                writer.ue(bitDepthMinus8)
                writer.ue(bitDepthMinus8)
                writer.flag(false)
                writer.flag(scalingLists != nil)
                for list in scalingLists ?? [] {
                    writer.flag(list != nil)
                    for delta in list ?? [] { writer.se(delta) }
                }
            }
            writer.ue(0)
            writer.ue(pocType)
            if pocType == 0 { writer.ue(2) }
            if pocType == 1 {
                writer.flag(false)
                writer.se(-3)
                writer.se(5)
                writer.ue(UInt64(pocCycle.count))
                for offset in pocCycle { writer.se(offset) }
            }
            writer.ue(maxRefFrames)
            writer.flag(false)
            writer.ue(widthInMbs - 1)
            writer.ue(heightInMapUnits - 1)
            writer.flag(frameMbsOnly)
            if !frameMbsOnly { writer.flag(true) }
            writer.flag(true)
            writer.flag(crop != nil)
            if let crop {
                for value in [crop.left, crop.right, crop.top, crop.bottom] { writer.ue(value) }
            }
            writer.flag(false)
            writer.trailingBits()
            return writer.bytes
        }
    }

    /// Scaling lists end early when a delta brings the next scale to 0; the rest of the SPS
    /// must still be found where it is.
    @Test func scalingListsAreSkippedExactly() throws {
        var fields = Fields(crop: (0, 0, 0, 4))
        // 4x4 lists: full ones (16 deltas), one ending at once (8 + -8 = 0), absent ones; an 8x8 list of 64.
        let upAndDown: [Int64] = (0..<16).map { $0 % 2 == 0 ? 1 : -1 }
        fields.scalingLists = [Array(repeating: 1, count: 16), [-8], nil, nil, upAndDown, nil]
            + [Array(repeating: 2, count: 64), nil]
        let sps = try H264SequenceParameterSet(nalUnit: fields.bytes)
        #expect(sps.width == 1280 && sps.height == 712)

        var chroma444 = Fields(profileIDC: 244, chromaFormatIDC: 3, crop: (1, 2, 3, 4))
        chroma444.scalingLists = Array(repeating: nil, count: 11) + [[-8]]
        let cropped = try H264SequenceParameterSet(nalUnit: chroma444.bytes)
        #expect(cropped.width == 1277 && cropped.height == 713 && cropped.pixelFormat == "yuv444p")
    }

    @Test func pictureOrderCountType1AndFieldCoding() throws {
        let fields = Fields(
            profileIDC: 77, pocType: 1, pocCycle: [1, -2, 3], widthInMbs: 45, heightInMapUnits: 18, frameMbsOnly: false,
            crop: (0, 0, 0, 2))
        let sps = try H264SequenceParameterSet(nalUnit: fields.bytes)
        // 18 map units of field pairs: 576 rows; 2 crop units of 4 rows (4:2:0, fields).
        #expect(sps.width == 720 && sps.height == 568 && sps.profile == 77)
    }

    @Test func highBitDepthAndIntraProfiles() throws {
        let tenBit = try H264SequenceParameterSet(nalUnit: Fields(profileIDC: 244, chromaFormatIDC: 2, bitDepthMinus8: 2).bytes)
        #expect(tenBit.pixelFormat == "yuv422p10le")
        // constraint_set3_flag on High 4:4:4 marks it intra-only, as libav numbers it.
        let intra = try H264SequenceParameterSet(nalUnit: Fields(profileIDC: 244, constraintByte: 0x10).bytes)
        #expect(intra.profile == 244 | 1 << 11)
    }

    static let absurd: [(String, Fields, String)] = [
        ("width", Fields(widthInMbs: 100_000), "SPS pic_width_in_mbs_minus1 99999 exceeds 1023"),
        ("height", Fields(heightInMapUnits: 2000), "SPS pic_height_in_map_units_minus1 1999 exceeds 1023"),
        ("field height", Fields(heightInMapUnits: 1000, frameMbsOnly: false), "SPS gives a coded height of 32000, beyond 16384"),
        ("crop", Fields(crop: (400, 300, 0, 0)), "SPS crops its 1280x720 picture to nothing"),
        ("chroma format", Fields(chromaFormatIDC: 7), "SPS chroma_format_idc 7 exceeds 3"),
        ("bit depth", Fields(bitDepthMinus8: 9), "SPS bit_depth_luma_minus8 9 exceeds 6"),
        ("reference frames", Fields(maxRefFrames: 40), "SPS max_num_ref_frames 40 exceeds 16"),
        ("poc type", Fields(pocType: 5), "SPS pic_order_cnt_type 5 exceeds 2"),
        (
            "poc cycle", Fields(pocType: 1, pocCycle: Array(repeating: 1, count: 300)),
            "SPS num_ref_frames_in_pic_order_cnt_cycle 300 exceeds 255"
        ),
        ("scaling delta", Fields(scalingLists: [[200]]), "SPS delta_scale 200 is out of range"),
    ]

    @Test(arguments: 0..<absurd.count)
    func refusesAbsurdValues(_ index: Int) {
        let (_, fields, message) = Self.absurd[index]
        #expect(throws: MediaFormatError.malformed(message)) { try H264SequenceParameterSet(nalUnit: fields.bytes) }
    }

    @Test func refusesBrokenBytes() {
        #expect(throws: MediaFormatError.malformed("SPS is empty")) { try H264SequenceParameterSet(nalUnit: []) }
        #expect(throws: MediaFormatError.malformed("SPS NAL unit has type 8, not 7")) {
            try H264SequenceParameterSet(nalUnit: hex("68ee3c80"))
        }
        #expect(throws: MediaFormatError.malformed("SPS has an Exp-Golomb code longer than 32 bits")) {
            try H264SequenceParameterSet(nalUnit: [0x67, 100, 0, 31] + Array(repeating: 0, count: 8) + [0xFF])
        }
        // Every prefix of a real SPS fails cleanly, until the crop fields are complete.
        let full = hex(Self.fromFFmpeg[1].sps)
        for length in 0..<8 {
            #expect(throws: MediaFormatError.self) { try H264SequenceParameterSet(nalUnit: Array(full.prefix(length))) }
        }
    }

    /// Emulation prevention: 00 00 03 loses its 03, and only there.
    @Test func unescapesTheRBSP() {
        #expect(H264SequenceParameterSet.unescape(hex("00000301")) == hex("000001"))
        #expect(H264SequenceParameterSet.unescape(hex("00000300000303")) == hex("0000000003"))
        #expect(H264SequenceParameterSet.unescape(hex("00030003")) == hex("00030003"))
    }
}
