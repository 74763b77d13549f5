/// Reads bit fields and Exp-Golomb codes (H.264 7.2, 9.1) from untrusted bytes, most
/// significant bit first. Running out of bits throws; nothing traps.
struct BitReader {
    private let bytes: [UInt8]
    private var position = 0
    /// Names the structure in errors ("SPS").
    private let what: String

    init(_ bytes: [UInt8], what: String) {
        self.bytes = bytes
        self.what = what
    }

    var bitsLeft: Int { bytes.count * 8 - position }

    mutating func flag() throws(MediaFormatError) -> Bool { try bits(1) == 1 }

    /// `count` bits (at most 32) as an unsigned number.
    mutating func bits(_ count: Int) throws(MediaFormatError) -> UInt32 {
        precondition((0...32).contains(count), "BitReader reads at most 32 bits at once")
        guard count <= bitsLeft else { throw .malformed("\(what) truncated") }
        var value: UInt32 = 0
        for _ in 0..<count {
            let bit = bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1
            value = value << 1 | UInt32(bit)
            position += 1
        }
        return value
    }

    /// The next `count` bits without consuming them; nil when fewer are left.
    func peek(_ count: Int) -> UInt32? {
        var copy = self
        return try? copy.bits(count)
    }

    mutating func skip(_ count: Int) throws(MediaFormatError) {
        guard count <= bitsLeft else { throw .malformed("\(what) truncated") }
        position += count
    }

    /// ue(v). A code longer than 32 bits cannot hold a valid value and is refused.
    mutating func ue() throws(MediaFormatError) -> UInt32 {
        var zeros = 0
        while try !flag() {
            zeros += 1
            guard zeros < 32 else { throw .malformed("\(what) has an Exp-Golomb code longer than 32 bits") }
        }
        return UInt32((UInt64(1) << zeros) - 1 + UInt64(try bits(zeros)))
    }

    /// se(v).
    mutating func se() throws(MediaFormatError) -> Int32 {
        let code = Int64(try ue())
        return Int32(code & 1 == 1 ? (code + 1) / 2 : -(code / 2))
    }

    /// ue(v) that must not exceed `limit`; `name` is the syntax element, for the error.
    mutating func ue(_ name: String, max limit: UInt32) throws(MediaFormatError) -> UInt32 {
        let value = try ue()
        guard value <= limit else { throw .malformed("\(what) \(name) \(value) exceeds \(limit)") }
        return value
    }
}
