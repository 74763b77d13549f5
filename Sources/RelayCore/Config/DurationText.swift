/// Durations as ops write them: `250ms`, `10s`, `1.5s`, `2m`, `1h`. A bare number is
/// refused on purpose: "10" could mean seconds or milliseconds.
public enum DurationText {
    public static func parse(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // "10ms" also ends in "s"; the "ms" case is tried first and must win.
            if unit.suffix == "s", number.hasSuffix("m") { continue }
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let value = Double(number), value.isFinite, value >= 0
            else { return nil }
            let milliseconds = (value * unit.seconds * 1000).rounded()
            guard milliseconds < 1e15 else { return nil }
            return .milliseconds(Int64(milliseconds))
        }
        return nil
    }

    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms % 3_600_000 == 0, ms > 0 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms > 0 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms)ms"
    }
}

extension Duration {
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    public var seconds: Double { Double(milliseconds) / 1000 }
}
