import Foundation
import RelayCore
import Testing

@testable import FLVIngest
@testable import RTMPSource

/// Thousands of mutated and random tag bodies: the source may refuse them, but only with a
/// `RelayError(.source, "rtmp: …")`, and it never traps.
@Suite struct FuzzTests {
    /// SplitMix64: the same seed, the same inputs, on every machine.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A damaged copy of `payload`: bits flipped, cut short, grown, or its header rewritten.
    static func mutate(_ payload: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
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
    @Test func thousandsOfDamagedBodies() throws {
        let recording = try Recording(.standard)
        var random = SeededRandom(state: 20_240_601)
        let streams = try Ingest.source(MemoryFeed(recording.session)).open()
        var refused = 0, accepted = 0
        for _ in 0..<20_000 {
            let original = recording.messages.randomElement(using: &random)!
            let payload = Self.mutate(original.payload, &random)
            let media = IngestMedia(kind: original.kind, timestamp: original.timestamp, payload: payload)
            var assembler = PacketAssembler(streams: streams)
            do {
                for message in recording.messages.prefix(4) { _ = try assembler.packet(for: MediaTag(message)) }
                _ = try assembler.packet(for: MediaTag(media))
                accepted += 1
            } catch {
                refused += 1
            }
        }
        #expect(refused > 1000 && accepted > 1000, "\(refused) refused, \(accepted) accepted")
    }

    /// Whole sessions with damaged messages in them, through open and read.
    @Test func damagedSessions() throws {
        let recording = try Recording(Recording.Spec(name: "short", video: .init(), audio: .init(), seconds: 0.5))
        var random = SeededRandom(state: 7)
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

    /// The parsers alone, on pure noise.
    @Test func randomBytesIntoTheParsers() {
        var random = SeededRandom(state: 99)
        for _ in 0..<50_000 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = try? H264SequenceParameterSet(nalUnit: [0x67] + bytes)
            _ = try? AVCDecoderConfiguration([1] + bytes)
            _ = try? AudioSpecificConfig(bytes)
            _ = try? FLVVideoTag(bytes)
            _ = try? FLVAudioTag(bytes)
        }
    }
}
