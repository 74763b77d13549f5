import NIOCore

extension ByteBuffer {
    /// A buffer from hexadecimal digits; whitespace between them is ignored so fixtures can
    /// be laid out one field a line.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }.utf8.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: preconditionFailure("not a hexadecimal digit in a fixture")
            }
        }
        precondition(digits.count.isMultiple(of: 2), "odd number of hexadecimal digits in a fixture")
        self.init(bytes: stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] })
    }
}
