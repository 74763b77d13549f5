/// Writes bit fields and Exp-Golomb codes, most significant bit first: builds the SPS and
/// AudioSpecificConfig vectors that no encoder at hand produces (scaling lists, HE-AAC,
/// program config elements, hostile values).
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var used = 8

    mutating func bits(_ value: UInt64, _ count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            if used == 8 {
                bytes.append(0)
                used = 0
            }
            bytes[bytes.count - 1] |= UInt8((value >> UInt64(shift)) & 1) << (7 - used)
            used += 1
        }
    }

    mutating func flag(_ value: Bool) { bits(value ? 1 : 0, 1) }

    mutating func ue(_ value: UInt64) {
        let code = value + 1
        let length = 64 - code.leadingZeroBitCount
        bits(0, length - 1)
        bits(code, length)
    }

    mutating func se(_ value: Int64) { ue(value > 0 ? UInt64(2 * value - 1) : UInt64(-2 * value)) }

    /// rbsp_trailing_bits: a stop bit, then zeros to the byte boundary.
    mutating func trailingBits() {
        bits(1, 1)
        if used < 8 { bits(0, 8 - used) }
    }
}
