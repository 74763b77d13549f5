/// Bitrates as ops write them: `128k`, `3000k`, `4.5M`, or a bare number of bits per
/// second. `k` and `M` are decimal (1000, 1 000 000), as encoders and platforms use them.
public enum BitrateText {
    public static func parse(_ text: String) -> Int64? {
        var number = Substring(text)
        var scale = 1.0
        if number.hasSuffix("k") || number.hasSuffix("K") {
            scale = 1000
            number = number.dropLast()
        } else if number.hasSuffix("M") {
            scale = 1_000_000
            number = number.dropLast()
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number), value.isFinite
        else { return nil }
        let bits = (value * scale).rounded()
        guard bits >= 1, bits < 1e12 else { return nil }
        return Int64(bits)
    }

    public static func format(_ bits: Int64) -> String {
        if bits % 1_000_000 == 0 { return "\(bits / 1_000_000)M" }
        if bits % 1000 == 0 { return "\(bits / 1000)k" }
        return "\(bits)"
    }
}

extension ValueParser where Value == Int64 {
    /// A bitrate in bits per second, written like `3000k` or `4.5M`.
    public static func bitrate(in range: ClosedRange<Int64>) -> ValueParser<Int64> {
        quantity("a bitrate", examples: "128k, 3000k or 4.5M", in: range, parse: BitrateText.parse, format: BitrateText.format)
    }
}
