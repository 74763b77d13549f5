/// Reads big-endian fields from untrusted bytes: every read checks what is left and throws
/// instead of trapping, so a hostile message can never index out of range.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset: Int
    /// Names the structure in errors ("AVC sequence header").
    private let what: String

    init(_ bytes: [UInt8], what: String, offset: Int = 0) {
        self.bytes = bytes
        self.what = what
        self.offset = min(max(offset, 0), bytes.count)
    }

    var remaining: Int { bytes.count - offset }

    mutating func u8() throws(MediaFormatError) -> UInt8 {
        try need(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() throws(MediaFormatError) -> Int { try unsigned(2) }

    mutating func u24() throws(MediaFormatError) -> Int { try unsigned(3) }

    /// A signed 24-bit value (FLV's composition time offset).
    mutating func si24() throws(MediaFormatError) -> Int32 {
        let raw = try unsigned(3)
        return Int32(raw >= 0x80_0000 ? raw - 0x100_0000 : raw)
    }

    /// The next `count` bytes.
    mutating func take(_ count: Int) throws(MediaFormatError) -> [UInt8] {
        try need(count)
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func skip(_ count: Int) throws(MediaFormatError) {
        try need(count)
        offset += count
    }

    /// Everything not read yet.
    mutating func rest() -> [UInt8] {
        defer { offset = bytes.count }
        return Array(bytes[offset...])
    }

    private mutating func unsigned(_ count: Int) throws(MediaFormatError) -> Int {
        try need(count)
        var value = 0
        for byte in bytes[offset..<(offset + count)] { value = value << 8 | Int(byte) }
        offset += count
        return value
    }

    private func need(_ count: Int) throws(MediaFormatError) {
        guard count >= 0, count <= remaining else {
            throw .malformed("\(what) truncated: \(count) bytes needed at offset \(offset) of \(bytes.count)")
        }
    }
}
