import NIOCore
import TestSupport

@testable import RTMPProtocol

/// Fuzz inputs for the RTMP server: random bytes, and mutations of the valid sessions in
/// `RTMPFuzzCorpus` that know where chunks start and which values are absurd.
///
/// Every input derives from `(seed, index)` alone, so a failing input is reproduced by its
/// index.
struct RTMPFuzzInputGenerator {
    private let corpus: RTMPFuzzCorpus
    private let seed: UInt64

    init(corpus: RTMPFuzzCorpus, seed: UInt64) {
        self.corpus = corpus
        self.seed = seed
    }

    /// A generator for input `index`; `purpose` separates the choices made while feeding an
    /// input from those that made it.
    func random(for index: Int, purpose: UInt64 = 0) -> SplitMix64 {
        SplitMix64(seed: self.seed ^ (UInt64(index) &* 0x2545_F491_4F6C_DD1D) ^ (purpose &* 0x9E37_79B9_7F4A_7C15))
    }

    /// The bytes of input `index`.
    func input(_ index: Int) -> [UInt8] {
        var random = self.random(for: index)
        return self.input(using: &random)
    }

    private func input(using random: inout SplitMix64) -> [UInt8] {
        let session = self.corpus.sessions[Int(random.next() % UInt64(self.corpus.sessions.count))]
        switch random.next() % 10 {
        case 0:
            // Random bytes, mostly after a valid handshake so that they reach the chunk decoder.
            let prefix = random.next() % 4 == 0 ? [] : RTMPFuzzCorpus.plainHandshake
            return prefix + Self.bytes(Int(random.next() % 2048), using: &random)
        case 1:
            // Structure-aware random: chunk after chunk of arbitrary headers.
            var bytes = RTMPFuzzCorpus.plainHandshake
            for _ in 0..<(1 + random.next() % 12) {
                bytes += Self.craftedChunk(using: &random)
            }
            return bytes
        case 2...3:
            return Self.mutate(session, times: 1, using: &random)
        case 4...6:
            return Self.mutate(session, times: 2 + Int(random.next() % 4), using: &random)
        case 7:
            // A splice of two sessions, at step boundaries or anywhere.
            let other = self.corpus.sessions[Int(random.next() % UInt64(self.corpus.sessions.count))]
            let atBoundaries = random.next() % 2 == 0
            let cut =
                atBoundaries ? session.boundaries[Int(random.next() % UInt64(session.boundaries.count))] : Self.position(in: session, using: &random)
            let otherCut =
                atBoundaries ? other.boundaries[Int(random.next() % UInt64(other.boundaries.count))] : Self.position(in: other, using: &random)
            return Array(session.bytes[..<cut] + other.bytes[otherCut...])
        default:
            // A crafted chunk placed between two of a valid session's.
            var bytes = session.bytes
            let boundary = session.boundaries[Int(random.next() % UInt64(session.boundaries.count))]
            bytes.insert(contentsOf: Self.craftedChunk(using: &random), at: max(boundary, session.handshakeLength))
            return bytes
        }
    }

    private static func mutate(_ session: RTMPFuzzCorpus.Session, times: Int, using random: inout SplitMix64) -> [UInt8] {
        var bytes = session.bytes
        for _ in 0..<times where bytes.count > session.handshakeLength {
            let position = Self.position(
                in: RTMPFuzzCorpus.Session(bytes: bytes, boundaries: [], handshakeLength: session.handshakeLength), using: &random)
            switch random.next() % 8 {
            case 0:
                bytes[position] ^= 1 << (random.next() % 8)
            case 1:
                bytes.removeSubrange(position...)
            case 2:
                bytes.removeSubrange(position..<min(bytes.count, position + 1 + Int(random.next() % 64)))
            case 3:
                let end = min(bytes.count, position + 1 + Int(random.next() % 256))
                bytes.insert(contentsOf: bytes[position..<end], at: Int(random.next() % UInt64(bytes.count)))
            case 4:
                bytes.insert(contentsOf: Self.bytes(1 + Int(random.next() % 32), using: &random), at: position)
            case 5:
                // An absurd value over what may be a length, timestamp or chunk stream id.
                let value = Self.interestingValues[Int(random.next() % UInt64(Self.interestingValues.count))]
                let width = [1, 2, 3, 4][Int(random.next() % 4)]
                for offset in 0..<width where position + offset < bytes.count {
                    bytes[position + offset] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(width - 1 - offset)))
                }
            case 6:
                let boundary = session.boundaries[Int(random.next() % UInt64(session.boundaries.count))]
                bytes.insert(contentsOf: Self.craftedChunk(using: &random), at: min(bytes.count, max(boundary, session.handshakeLength)))
            default:
                bytes[position] = UInt8(truncatingIfNeeded: random.next())
            }
        }
        return bytes
    }

    /// A position in `session`'s bytes, mostly among its chunks: a mutation of the handshake
    /// fails the same few ways, or shifts every chunk after it.
    private static func position(in session: RTMPFuzzCorpus.Session, using random: inout SplitMix64) -> Int {
        let start = random.next() % 16 == 0 ? 0 : min(session.handshakeLength, session.bytes.count - 1)
        return start + Int(random.next() % UInt64(session.bytes.count - start))
    }

    static let interestingValues: [UInt32] = [
        0, 1, 2, 3, 0x3F, 0x40, 0x7F, 0x80, 0xFF, 0x100, 0x13F, 0x140, 0xFFFF, 0x1_0000, 0x7F_FFFF, 0x80_0000, 0xFF_FFFE,
        0xFF_FFFF, 0x100_0000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF,
    ]

    private static func bytes(_ count: Int, using random: inout SplitMix64) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    private static func interesting(using random: inout SplitMix64) -> UInt32 {
        random.next() % 3 == 0
            ? UInt32(truncatingIfNeeded: random.next()) : Self.interestingValues[Int(random.next() % UInt64(Self.interestingValues.count))]
    }

    /// One chunk with a header of any type and chunk stream id form, and field values that
    /// are often absurd: lengths up to 0xFFFFFF, extended timestamps, control messages with
    /// extreme values, commands with arbitrary AMF0.
    static func craftedChunk(using random: inout SplitMix64) -> [UInt8] {
        var buffer = ByteBuffer()
        // Type 0 half the time, and mostly the chunk streams the sessions use: other headers
        // on fresh chunk streams are refused at once and reach nothing further.
        let format = random.next() % 2 == 0 ? 0 : UInt8(1 + random.next() % 3)
        let usual: [UInt32] = [2, 3, 4, 6, 8]
        let unusual: [UInt32] = [63, 64, 319, 320, 65_599, UInt32(random.next() % 65_600)]
        let chunkStreamID = random.next() % 4 == 0 ? unusual[Int(random.next() % 6)] : usual[Int(random.next() % 5)]
        switch chunkStreamID {
        case 0..<64: buffer.writeInteger(format << 6 | UInt8(chunkStreamID))
        case 64..<320: buffer.writeBytes([format << 6, UInt8(chunkStreamID - 64)])
        default:
            buffer.writeBytes([format << 6 | 1, UInt8(truncatingIfNeeded: chunkStreamID - 64), UInt8(truncatingIfNeeded: (chunkStreamID - 64) >> 8)])
        }
        var payload = Self.craftedPayload(using: &random)
        let type = payload.type
        let timestamp = random.next() % 4 == 0 ? 0xFF_FFFF : Self.interesting(using: &random) & 0xFF_FFFF
        if format < 3 {
            buffer.writeUInt24(timestamp)
        }
        if format < 2 {
            let length = random.next() % 4 == 0 ? Self.interesting(using: &random) & 0xFF_FFFF : UInt32(payload.bytes.readableBytes)
            buffer.writeUInt24(length)
            buffer.writeInteger(type)
        }
        if format == 0 {
            buffer.writeInteger(UInt32(random.next() % 3), endianness: .little)
        }
        if timestamp == 0xFF_FFFF || (format == 3 && random.next() % 2 == 0) {
            buffer.writeInteger(Self.interesting(using: &random))
        }
        buffer.writeBuffer(&payload.bytes)
        return Array(buffer.readableBytesView)
    }

    private static func craftedPayload(using random: inout SplitMix64) -> (type: UInt8, bytes: ByteBuffer) {
        var bytes = ByteBuffer()
        switch random.next() % 8 {
        case 0:
            bytes.writeInteger(Self.interesting(using: &random))
            return ([1, 2, 3, 5, 6][Int(random.next() % 5)], bytes)
        case 1:
            bytes.writeInteger(UInt16(random.next() % 10))
            bytes.writeBytes(Self.bytes(Int(random.next() % 6), using: &random))
            return (4, bytes)
        case 2, 3:
            let names = ["connect", "createStream", "publish", "FCUnpublish", "closeStream", "deleteStream", "play", "releaseStream", "x"]
            bytes.writeAMF0Value(.string(names[Int(random.next() % UInt64(names.count))]))
            for _ in 0..<(random.next() % 5) {
                bytes.writeAMF0Value(random.next() % 8 == 0 ? Self.deepAMF0Value(using: &random) : Self.amf0Value(depth: 0, using: &random))
            }
            return (random.next() % 4 == 0 ? 17 : 20, bytes)
        case 4:
            // AMF0 that is not quite: a random marker, then random bytes.
            bytes.writeInteger(UInt8(random.next() % 0x14))
            bytes.writeBytes(Self.bytes(Int(random.next() % 40), using: &random))
            return ([15, 17, 18, 20][Int(random.next() % 4)], bytes)
        case 5:
            // FLV tags with arbitrary sizes and timestamps, as an aggregate.
            for _ in 0..<(random.next() % 4) {
                bytes.writeInteger(UInt8([8, 9, 18, 0xFF][Int(random.next() % 4)]))
                let size = Int(random.next() % 24)
                bytes.writeUInt24(random.next() % 5 == 0 ? Self.interesting(using: &random) & 0xFF_FFFF : UInt32(size))
                bytes.writeInteger(Self.interesting(using: &random))
                bytes.writeUInt24(0)
                bytes.writeBytes(Self.bytes(size, using: &random))
                if random.next() % 3 != 0 {
                    bytes.writeInteger(UInt32(size + 11))
                }
            }
            return (22, bytes)
        default:
            bytes.writeBytes(Self.bytes(Int(random.next() % 300), using: &random))
            return (UInt8(truncatingIfNeeded: random.next() % 32), bytes)
        }
    }

    /// Objects and arrays nested 20 to 60 levels: around the decoder's limit of 32.
    private static func deepAMF0Value(using random: inout SplitMix64) -> AMF0Value {
        var value = AMF0Value.null
        for _ in 0..<(20 + random.next() % 41) {
            value = random.next() % 2 == 0 ? .strictArray([value]) : .object([AMF0Property("app", value)])
        }
        return value
    }

    /// Random AMF0 values, a few levels deep.
    private static func amf0Value(depth: Int, using random: inout SplitMix64) -> AMF0Value {
        let containers = depth < 4 ? 3 : 0
        switch random.next() % UInt64(6 + containers) {
        case 0: return .number(Double(bitPattern: random.next()))
        case 1: return .string(String(decoding: Self.bytes(Int(random.next() % 20), using: &random), as: UTF8.self))
        case 2: return .boolean(random.next() % 2 == 0)
        case 3: return .null
        case 4: return .undefined
        case 5: return .date(Double(random.next() % 1_000_000))
        case 6: return .object((0..<(random.next() % 3)).map { _ in AMF0Property("p", Self.amf0Value(depth: depth + 1, using: &random)) })
        case 7: return .ecmaArray((0..<(random.next() % 3)).map { _ in AMF0Property("app", Self.amf0Value(depth: depth + 1, using: &random)) })
        default: return .strictArray((0..<(random.next() % 3)).map { _ in Self.amf0Value(depth: depth + 1, using: &random) })
        }
    }
}
