/// An exact fraction, used for time bases and frame rates (libav's AVRational, without C).
public struct Rational: Sendable, Hashable, Codable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32

    public init(_ num: Int32, _ den: Int32) {
        self.num = num
        self.den = den
    }

    public var isValid: Bool { num != 0 && den != 0 }
    public var doubleValue: Double { den == 0 ? 0 : Double(num) / Double(den) }
    public var description: String { "\(num)/\(den)" }

    /// Rescales `value` from this time base to `other`, rounding to nearest (like av_rescale_q).
    public func rescale(_ value: Int64, to other: Rational) -> Int64 {
        if self == other { return value }
        let numerator = Int64(num) * Int64(other.den)
        let denominator = Int64(den) * Int64(other.num)
        guard denominator != 0 else { return 0 }
        let (product, overflow) = value.multipliedReportingOverflow(by: numerator)
        if overflow {
            return Int64((Double(value) * Double(numerator) / Double(denominator)).rounded())
        }
        let half = denominator / 2
        return product >= 0 ? (product + half) / denominator : (product - half) / denominator
    }
}
