import Foundation
import RelayCore
import Testing
import TestSupport

@testable import FLVIngest
@testable import RTMPSource

/// Thousands of mutated and random tag bodies: the source may refuse them, but only with a
/// `RelayError(.source, "rtmp: …")`, and it never traps.
@Suite struct FuzzTests {
    /// A damaged copy of `payload`: bits flipped, cut short, grown, or its header rewritten.
    static func mutate(_ payload: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = payload
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            for _ in 0..<Int.random(in: 1...8, using: &random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            }
        case 1:
            bytes = Array(bytes.prefix(Int.random(in: 0...min(bytes.count, 64), using: &random)))
        case 2:
            bytes += (0..<Int.random(in: 1...32, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        case 3:
            for index in 0..<min(bytes.count, 12) where Bool.random(using: &random) {
                bytes[index] = UInt8.random(in: 0...255, using: &random)
            }
        case 4:
            bytes = (0..<Int.random(in: 0...48, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        default:
            // A plausible header on random bytes: AVC or AAC, any packet type.
            let header: [UInt8] =
                Bool.random(using: &random)
                ? [0x17, UInt8.random(in: 0...2, using: &random), 0, 0, 0] : [0xAF, UInt8.random(in: 0...1, using: &random)]
            bytes = header + (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
        }
        return bytes
    }

    /// Parsing and assembling, message by message, on a relay that already has its streams.
    /// A damaged body is either refused with the assembler's `MediaFormatError` (typed: nothing
    /// else can come out, and the source reports it as `RelayError(.source, "rtmp: …")`), or
    /// accepted, and then any packet it makes belongs to a stream and carries the frame's bytes.
    @Test func thousandsOfDamagedBodies() throws {
        let recording = try Recording(.standard)
        var random = SplitMix64(seed: 20_240_601)
        let streams = try Ingest.source(MemoryFeed(recording.session)).open()
        var malformed = 0, unsupported = 0, accepted = 0, packets = 0
        for _ in 0..<20_000 {
            let original = recording.messages.randomElement(using: &random)!
            let payload = Self.mutate(original.payload, &random)
            let media = IngestMedia(kind: original.kind, timestamp: original.timestamp, payload: payload)
            var assembler = PacketAssembler(streams: streams)
            do throws(MediaFormatError) {
                for message in recording.messages.prefix(4) { _ = try assembler.packet(for: MediaTag(message)) }
                if let packet = try assembler.packet(for: MediaTag(media)) {
                    #expect(streams.indices.contains(packet.streamIndex) && !packet.data.isEmpty)
                    #expect(payload.count > packet.data.count)
                    #expect(payload.suffix(packet.data.count).elementsEqual(packet.data))
                    packets += 1
                }
                accepted += 1
            } catch .malformed(let detail) {
                #expect(!detail.isEmpty)
                malformed += 1
            } catch .unsupported(let codec) {
                #expect(!codec.isEmpty)
                unsupported += 1
            }
        }
        let counts = "\(malformed) malformed, \(unsupported) unsupported, \(accepted) accepted (\(packets) packets)"
        #expect(malformed > 1000 && unsupported > 1000 && accepted > 1000 && packets > 1000, "\(counts)")
    }

    /// Whole sessions with damaged messages in them, through open and read.
    @Test func damagedSessions() throws {
        let recording = try Recording(Recording.Spec(name: "short", video: .init(), audio: .init(), seconds: 0.5))
        var random = SplitMix64(seed: 7)
        var outcomes: [String: Int] = [:]
        for _ in 0..<300 {
            var media = recording.messages
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<media.count, using: &random)
                media[index].payload = Self.mutate(media[index].payload, &random)
            }
            let feed = MemoryFeed([.publish(Ingest.publisher)] + media.map { .media($0) } + [.unpublish(reason: "done")])
            // A damaged session can end before its streams are known: then no publisher follows.
            let source = try Ingest.source(feed, options: .init(publishTimeout: .milliseconds(100)))
            do {
                _ = try source.open()
                _ = try Ingest.readAll(source)
                outcomes["ended", default: 0] += 1
            } catch let error as RelayError {
                #expect(error.errorClass == .source && error.message.hasPrefix("rtmp: "), "\(error)")
                outcomes["refused", default: 0] += 1
            }
            source.close()
        }
        #expect(outcomes["refused", default: 0] > 50 && outcomes["ended", default: 0] > 20, "\(outcomes)")
    }

    /// The parsers alone, on noise (the AVC record's behind a plausible header: pure noise
    /// never gets past its SPS length): each either returns a value that holds its invariants
    /// or throws `MediaFormatError` (typed: nothing else can come out), and each does both.
    @Test func randomBytesIntoTheParsers() {
        var random = SplitMix64(seed: 99)
        var outcomes: [String: (parsed: Int, refused: Int)] = [:]
        func attempt(_ parser: String, _ parse: () throws(MediaFormatError) -> Bool) {
            do throws(MediaFormatError) {
                let sound = try parse()
                #expect(sound, "\(parser) returned a value that breaks its invariants")
                outcomes[parser, default: (0, 0)].parsed += 1
            } catch {
                outcomes[parser, default: (0, 0)].refused += 1
            }
        }
        for _ in 0..<50_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            attempt("SPS") { () throws(MediaFormatError) in
                Self.holds(try H264SequenceParameterSet(nalUnit: [0x67] + bytes))
            }
            let sps = [0x67] + bytes.prefix(24)
            // Version 1, 4-byte lengths, one SPS; then no PPS or one whose length is noise.
            let plausible = [1, 100, 0, 40, 0xFF, 0xE1, 0, UInt8(sps.count)] + sps + [UInt8(bytes.count % 2)]
                + bytes.suffix(4)
            attempt("AVC record") { () throws(MediaFormatError) in
                let parsed = try AVCDecoderConfiguration(plausible)
                return parsed.bytes == plausible && parsed.lengthSize == 4 && Self.holds(parsed.sps)
            }
            attempt("AAC config") { () throws(MediaFormatError) in
                let parsed = try AudioSpecificConfig(bytes)
                return parsed.bytes == bytes && (1000...768_000).contains(parsed.sampleRate) && parsed.channels > 0
                    && [960, 1024, 1920, 2048].contains(parsed.frameSize) && parsed.objectType > 0
            }
            // A tag's body is the bytes after its header (5 bytes for AVC, 2 for AAC), unchanged.
            attempt("FLV video tag") { () throws(MediaFormatError) in
                let avc = bytes.count >= 5 && bytes[0] & 0x0F == 7
                return switch try FLVVideoTag(bytes) {
                case .sequenceHeader(let record): avc && bytes[1] == 0 && record.bytes.elementsEqual(bytes.dropFirst(5))
                case .frame(let isKeyframe, _, let nalUnits):
                    avc && bytes[1] == 1 && isKeyframe == (bytes[0] >> 4 == 1) && !nalUnits.isEmpty
                        && nalUnits.elementsEqual(bytes.dropFirst(5))
                case .nothing: !bytes.isEmpty
                }
            }
            attempt("FLV audio tag") { () throws(MediaFormatError) in
                let aac = bytes.count >= 2 && bytes[0] >> 4 == 10
                return switch try FLVAudioTag(bytes) {
                case .sequenceHeader(let config): aac && bytes[1] == 0 && config.bytes.elementsEqual(bytes.dropFirst(2))
                case .frame(let data): aac && bytes[1] == 1 && !data.isEmpty && data.elementsEqual(bytes.dropFirst(2))
                case .nothing: aac && bytes.count == 2 && bytes[1] == 1
                }
            }
        }
        #expect(outcomes.count == 5)
        for (parser, outcome) in outcomes {
            #expect(outcome.parsed > 0 && outcome.refused > 0, "\(parser): \(outcome)")
        }
    }

    /// What any parsed SPS must say: a picture within the limits, a known chroma format and
    /// bit depth.
    static func holds(_ sps: H264SequenceParameterSet) -> Bool {
        (1...H264SequenceParameterSet.maxDimension).contains(sps.width)
            && (1...H264SequenceParameterSet.maxDimension).contains(sps.height)
            && (0...3).contains(sps.chromaFormatIDC) && (8...14).contains(sps.bitDepthLuma) && !sps.pixelFormat.isEmpty
    }
}
