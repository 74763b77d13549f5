/// Reads what `TokenWriter` writes; every shortfall names the field it was reading.
struct TokenReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var remaining: Int { bytes.count - offset }

    mutating func u16(_ field: String) throws(AgoraTokenError) -> UInt16 {
        let slice = try take(2, field)
        return UInt16(slice[slice.startIndex]) | UInt16(slice[slice.startIndex + 1]) << 8
    }

    mutating func u32(_ field: String) throws(AgoraTokenError) -> UInt32 {
        let slice = try take(4, field)
        return slice.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func bytes(_ field: String) throws(AgoraTokenError) -> [UInt8] {
        let count = try u16("\(field) length")
        return Array(try take(Int(count), field))
    }

    mutating func string(_ field: String) throws(AgoraTokenError) -> String {
        guard let text = String(validating: try bytes(field), as: UTF8.self) else {
            throw .malformed("\(field) is not UTF-8")
        }
        return text
    }

    mutating func map(_ field: String) throws(AgoraTokenError) -> [UInt16: UInt32] {
        var entries: [UInt16: UInt32] = [:]
        for _ in 0..<(try u16("\(field) count")) {
            let key = try u16("\(field) key")
            entries[key] = try u32("\(field) value")
        }
        return entries
    }

    private mutating func take(_ count: Int, _ field: String) throws(AgoraTokenError) -> ArraySlice<UInt8> {
        guard count <= remaining else { throw .malformed("payload ends inside \(field)") }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}
