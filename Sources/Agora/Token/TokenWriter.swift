/// AccessToken2's packing: little-endian integers, strings as a u16 length and the bytes.
struct TokenWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u16(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func u32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// Callers keep `value` under 64 KiB; a token never carries anything near that.
    mutating func string(_ value: some Collection<UInt8>) {
        u16(UInt16(value.count))
        bytes += value
    }

    mutating func string(_ value: String) {
        string(Array(value.utf8))
    }

    /// u16 count, then (u16 key, u32 value) pairs in ascending key order.
    mutating func map(_ entries: [UInt16: UInt32]) {
        u16(UInt16(entries.count))
        for (key, value) in entries.sorted(by: { $0.key < $1.key }) {
            u16(key)
            u32(value)
        }
    }

    mutating func raw(_ value: [UInt8]) {
        bytes += value
    }
}
