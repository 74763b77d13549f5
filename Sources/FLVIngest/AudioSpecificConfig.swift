/// An MPEG-4 AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1): the body of an FLV AAC sequence
/// header and AAC's extradata. Sample rate and channels come from here, not from the FLV
/// audio flags (which say 44 kHz stereo for every AAC stream). Read the way libav reads it
/// (`avpriv_mpeg4audio_get_config2` with the sync extension), so the values match what
/// ffprobe reports for the same stream.
struct AudioSpecificConfig: Equatable {
    static let sampleRates: [Int32] = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]
    /// Channels per channel_configuration; nil: reserved. 0 means a program config element says.
    private static let channelCounts: [Int32?] = [0, 1, 2, 3, 4, 5, 6, 8, nil, nil, nil, 7, 8, 24, 8, nil]
    /// Audio object types with a GASpecificConfig (and so frameLengthFlag and a possible PCE).
    private static let generalAudioTypes: Set<Int> = [1, 2, 3, 4, 6, 7, 17, 19, 20, 21, 22, 23]
    private static let sbrType = 5, psType = 29

    /// The record's bytes, unchanged.
    var bytes: [UInt8]
    /// The signalled audio object type: 2 for AAC LC, 5 for HE-AAC, 29 for HE-AAC v2.
    var objectType: Int
    /// The rate a decoder outputs: with spectral band replication, the extension's rate.
    var sampleRate: Int32
    var channels: Int32
    /// Samples per frame at `sampleRate`.
    var frameSize: Int32

    /// libav's profile number (`AV_PROFILE_AAC_*` is the object type minus 1).
    var profile: Int32 { Int32(objectType - 1) }

    init(_ bytes: [UInt8]) throws(MediaFormatError) {
        var reader = BitReader(bytes, what: "AAC sequence header")
        objectType = try Self.objectType(&reader)
        let coreRate = try Self.sampleRate(&reader)
        let channelConfiguration = Int(try reader.bits(4))
        guard var channels = Self.channelCounts[channelConfiguration] else {
            throw .malformed("AAC sequence header has the reserved channel configuration \(channelConfiguration)")
        }
        var extensionRate: Int32?
        var parametricStereo = false
        var coreType = objectType
        if objectType == Self.sbrType || objectType == Self.psType {
            // Explicit hierarchical signalling: the output rate, then the core's object type.
            parametricStereo = objectType == Self.psType
            extensionRate = try Self.sampleRate(&reader)
            coreType = try Self.objectType(&reader)
            if coreType == 22 { try reader.skip(4) }  // extensionChannelConfiguration (ER BSAC)
        }
        var frameLength: Int32 = 1024
        if Self.generalAudioTypes.contains(coreType) {
            var specific = reader
            if try specific.flag() { frameLength = 960 }  // frameLengthFlag
            if try specific.flag() { try specific.skip(14) }  // dependsOnCoreCoder, coreCoderDelay
            try specific.skip(1)  // extensionFlag
            if channels == 0 { channels = try Self.programConfigChannels(&specific) }
        }
        guard channels > 0 else {
            throw .malformed("AAC sequence header has channel configuration 0 and no readable program config element")
        }
        if extensionRate == nil, let signalled = Self.backwardCompatibleSBR(reader) {
            extensionRate = signalled.rate == coreRate ? nil : signalled.rate
            parametricStereo = signalled.parametricStereo
        }
        // Parametric stereo decodes a mono core into two channels.
        self.channels = parametricStereo ? 2 : channels
        sampleRate = extensionRate ?? coreRate
        frameSize = frameLength * (extensionRate == nil ? 1 : 2)
        self.bytes = bytes
    }

    private static func objectType(_ reader: inout BitReader) throws(MediaFormatError) -> Int {
        var type = Int(try reader.bits(5))
        if type == 31 { type = 32 + Int(try reader.bits(6)) }
        guard type != 0 else { throw .malformed("AAC sequence header has audio object type 0 (null)") }
        return type
    }

    /// samplingFrequencyIndex, or the explicit 24-bit rate after the escape index 15.
    private static func sampleRate(_ reader: inout BitReader) throws(MediaFormatError) -> Int32 {
        let index = Int(try reader.bits(4))
        if index == 15 {
            let rate = Int32(try reader.bits(24))
            guard (1000...768_000).contains(rate) else {
                throw .malformed("AAC sequence header gives a sample rate of \(rate) Hz")
            }
            return rate
        }
        guard index < sampleRates.count else {
            throw .malformed("AAC sequence header has the reserved sampling index \(index)")
        }
        return sampleRates[index]
    }

    /// The channels a program_config_element (4.4.1.1) lays out: one per single channel or
    /// LFE element, two per channel pair, in the front, side and back groups.
    private static func programConfigChannels(_ reader: inout BitReader) throws(MediaFormatError) -> Int32 {
        try reader.skip(4 + 2 + 4)  // element_instance_tag, object_type, sampling_frequency_index
        let front = try reader.bits(4), side = try reader.bits(4), back = try reader.bits(4)
        let lfe = try reader.bits(2)
        try reader.skip(3 + 4)  // num_assoc_data_elements, num_valid_cc_elements
        if try reader.flag() { try reader.skip(4) }  // mono_mixdown
        if try reader.flag() { try reader.skip(4) }  // stereo_mixdown
        if try reader.flag() { try reader.skip(3) }  // matrix_mixdown_idx, pseudo_surround_enable
        var channels: Int32 = 0
        for _ in 0..<(front + side + back) {
            channels += try reader.flag() ? 2 : 1  // is_cpe
            try reader.skip(4)  // element tag
        }
        return channels + Int32(lfe)
    }

    /// Backward-compatible SBR signalling: a sync extension (0x2b7) somewhere after the core
    /// config announcing SBR at a higher rate, and maybe parametric stereo (0x548). libav
    /// scans for the sync word bit by bit, and so does this.
    private static func backwardCompatibleSBR(_ start: BitReader) -> (rate: Int32, parametricStereo: Bool)? {
        var reader = start
        while reader.bitsLeft > 15 {
            guard reader.peek(11) == 0x2B7 else {
                try? reader.skip(1)
                continue
            }
            try? reader.skip(11)
            guard (try? objectType(&reader)) == sbrType, (try? reader.flag()) == true,
                let rate = try? sampleRate(&reader)
            else { return nil }
            var parametricStereo = false
            if reader.bitsLeft > 11, (try? reader.bits(11)) == 0x548 { parametricStereo = (try? reader.flag()) ?? false }
            return (rate, parametricStereo)
        }
        return nil
    }
}
