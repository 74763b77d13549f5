import Testing

@testable import FLVIngest
@testable import RTMPSource

/// The AudioSpecificConfig parser: configs ffmpeg's AAC encoder wrote (with its sync
/// extension saying "no SBR"), hand-built HE-AAC, explicit rates, program config elements,
/// and broken ones.
@Suite struct AudioSpecificConfigTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var name: String
        var bytes: [UInt8]
        var sampleRate: Int32
        var channels: Int32
        var profile: Int32 = 1
        var frameSize: Int32 = 1024
        var testDescription: String { name }
    }

    /// Writes an AudioSpecificConfig field by field.
    static func config(
        objectType: UInt64 = 2, rateIndex: UInt64, explicitRate: UInt64? = nil, channels: UInt64,
        sbr: (rateIndex: UInt64, coreType: UInt64)? = nil, frameLength960: Bool = false,
        tail: (inout BitWriter) -> Void = { _ in }
    ) -> [UInt8] {
        var writer = BitWriter()
        if objectType >= 32 {
            writer.bits(31, 5)
            writer.bits(objectType - 32, 6)
        } else {
            writer.bits(objectType, 5)
        }
        writer.bits(rateIndex, 4)
        if let explicitRate { writer.bits(explicitRate, 24) }
        writer.bits(channels, 4)
        if let sbr {
            writer.bits(sbr.rateIndex, 4)
            writer.bits(sbr.coreType, 5)
        }
        writer.flag(frameLength960)
        writer.flag(false)  // dependsOnCoreCoder
        writer.flag(false)  // extensionFlag
        tail(&writer)
        return writer.bytes
    }

    static let vectors: [Vector] = [
        Vector(name: "ffmpeg LC 48 kHz stereo", bytes: hex("119056e500"), sampleRate: 48000, channels: 2),
        Vector(name: "ffmpeg LC 44.1 kHz mono", bytes: hex("120856e500"), sampleRate: 44100, channels: 1),
        Vector(name: "ffmpeg LC 22.05 kHz stereo", bytes: hex("139056e500"), sampleRate: 22050, channels: 2),
        Vector(name: "ffmpeg LC 48 kHz 5.1", bytes: hex("11b056e500"), sampleRate: 48000, channels: 6),
        Vector(name: "ffmpeg LC 16 kHz mono (MP4 esds)", bytes: hex("140856e500"), sampleRate: 16000, channels: 1),
        Vector(name: "plain LC 44.1 kHz stereo", bytes: hex("1210"), sampleRate: 44100, channels: 2),
        Vector(name: "LC 7.1 (configuration 7)", bytes: config(rateIndex: 3, channels: 7), sampleRate: 48000, channels: 8),
        Vector(
            name: "HE-AAC, explicit: 24 kHz core, 48 kHz out",
            bytes: config(objectType: 5, rateIndex: 6, channels: 2, sbr: (3, 2)), sampleRate: 48000, channels: 2, profile: 4,
            frameSize: 2048),
        Vector(
            name: "HE-AAC v2: mono core, parametric stereo",
            bytes: config(objectType: 29, rateIndex: 7, channels: 1, sbr: (4, 2)), sampleRate: 44100, channels: 2,
            profile: 28, frameSize: 2048),
        Vector(
            name: "HE-AAC, backward compatible (sync extension)",
            bytes: config(rateIndex: 6, channels: 2) { writer in
                writer.bits(0x2B7, 11)
                writer.bits(5, 5)
                writer.flag(true)
                writer.bits(3, 4)
            }, sampleRate: 48000, channels: 2, frameSize: 2048),
        Vector(
            name: "HE-AAC v2, backward compatible",
            bytes: config(rateIndex: 7, channels: 1) { writer in
                writer.bits(0x2B7, 11)
                writer.bits(5, 5)
                writer.flag(true)
                writer.bits(4, 4)
                writer.bits(0x548, 11)
                writer.flag(true)
            }, sampleRate: 44100, channels: 2, frameSize: 2048),
        Vector(
            name: "explicit rate (index 15)", bytes: config(rateIndex: 15, explicitRate: 37800, channels: 2), sampleRate: 37800,
            channels: 2),
        Vector(
            name: "960-sample frames", bytes: config(rateIndex: 3, channels: 2, frameLength960: true), sampleRate: 48000,
            channels: 2, frameSize: 960),
        Vector(
            name: "escaped object type (ELD)", bytes: config(objectType: 39, rateIndex: 3, channels: 1), sampleRate: 48000,
            channels: 1, profile: 38),
        Vector(
            name: "program config element: 5.1",
            bytes: config(rateIndex: 3, channels: 0) { writer in
                writer.bits(0, 4 + 2)  // element tag, object type
                writer.bits(3, 4)  // sampling index
                writer.bits(2, 4)  // front elements
                writer.bits(0, 4)  // side
                writer.bits(1, 4)  // back
                writer.bits(1, 2)  // LFE
                writer.bits(0, 3 + 4)  // assoc data, valid CC
                writer.bits(0, 3)  // no mixdowns
                for isPair in [false, true, true] {  // front centre, front pair, back pair
                    writer.flag(isPair)
                    writer.bits(0, 4)
                }
                writer.bits(0, 4)  // LFE tag
            }, sampleRate: 48000, channels: 6),
    ]

    @Test(arguments: vectors)
    func reads(_ vector: Vector) throws {
        let config = try AudioSpecificConfig(vector.bytes)
        #expect(config.sampleRate == vector.sampleRate)
        #expect(config.channels == vector.channels)
        #expect(config.profile == vector.profile)
        #expect(config.frameSize == vector.frameSize)
        #expect(config.bytes == vector.bytes)
    }

    @Test func refusesBrokenConfigs() {
        let cases: [([UInt8], String)] = [
            ([], "AAC sequence header truncated"),
            ([0x11], "AAC sequence header truncated"),
            (Self.config(objectType: 0, rateIndex: 3, channels: 2), "AAC sequence header has audio object type 0 (null)"),
            (Self.config(rateIndex: 13, channels: 2), "AAC sequence header has the reserved sampling index 13"),
            (Self.config(rateIndex: 15, explicitRate: 0, channels: 2), "AAC sequence header gives a sample rate of 0 Hz"),
            (Self.config(rateIndex: 3, channels: 9), "AAC sequence header has the reserved channel configuration 9"),
            (Self.config(rateIndex: 3, channels: 0), "AAC sequence header truncated"),
            (
                Self.config(objectType: 39, rateIndex: 3, channels: 0),
                "AAC sequence header has channel configuration 0 and no readable program config element"
            ),
        ]
        for (bytes, message) in cases {
            #expect(throws: MediaFormatError.malformed(message), "\(bytes)") { try AudioSpecificConfig(bytes) }
        }
    }
}
