/// A strict reader of the Prometheus text exposition format (version 0.0.4): `# HELP` and
/// `# TYPE` lines, metric and label names, quoted label values with escapes, float values.
/// Throws on the first line that breaks the format.
public struct PrometheusText: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    public private(set) var samples: [Sample] = []
    /// Metric name → its `# TYPE`.
    public private(set) var types: [String: String] = [:]

    public init(_ text: String) throws {
        var help: Set<String> = []
        var seenSamples: Set<String> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            if line.isEmpty { continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else { continue }
                let name = String(parts[2])
                guard Self.isMetricName(name) else { throw TestFailure("line \(number): bad metric name \"\(name)\"") }
                if parts[1] == "HELP" {
                    guard help.insert(name).inserted else { throw TestFailure("line \(number): second HELP for \(name)") }
                } else {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3])
                    else { throw TestFailure("line \(number): bad TYPE line \"\(line)\"") }
                    guard types[name] == nil else { throw TestFailure("line \(number): second TYPE for \(name)") }
                    guard !seenSamples.contains(name) else { throw TestFailure("line \(number): TYPE after samples of \(name)") }
                    types[name] = String(parts[3])
                }
                continue
            }
            let sample = try Self.sample(Substring(line), line: number)
            seenSamples.insert(sample.name)
            samples.append(sample)
        }
    }

    public func values(_ name: String) -> [Sample] { samples.filter { $0.name == name } }

    private static func sample(_ line: Substring, line number: Int) throws -> Sample {
        var rest = line
        let name = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" })
        guard isMetricName(name) else { throw TestFailure("line \(number): bad metric name in \"\(line)\"") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let label = String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
                guard isLabelName(label), rest.dropFirst(label.count).hasPrefix("=\"") else {
                    throw TestFailure("line \(number): bad label in \"\(line)\"")
                }
                rest = rest.dropFirst(label.count + 2)
                var value = ""
                while true {
                    guard let character = rest.first else { throw TestFailure("line \(number): unterminated label value") }
                    rest = rest.dropFirst()
                    if character == "\"" { break }
                    if character == "\\" {
                        guard let escaped = rest.first, "\\\"n".contains(escaped) else {
                            throw TestFailure("line \(number): bad escape in \"\(line)\"")
                        }
                        rest = rest.dropFirst()
                        value.append(escaped == "n" ? "\n" : escaped)
                    } else {
                        value.append(character)
                    }
                }
                guard labels.updateValue(value, forKey: label) == nil else {
                    throw TestFailure("line \(number): label \(label) twice")
                }
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" {
                    throw TestFailure("line \(number): expected , or } in \"\(line)\"")
                }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw TestFailure("line \(number): expected a space before the value in \"\(line)\"") }
        let fields = rest.dropFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard (1...2).contains(fields.count), let value = parseValue(fields[0]),
            fields.count == 1 || Int64(fields[1]) != nil
        else { throw TestFailure("line \(number): bad value in \"\(line)\"") }
        return Sample(name: name, labels: labels, value: value)
    }

    private static func parseValue(_ text: Substring) -> Double? {
        switch text {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
            return Double(text)
        }
    }

    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic || first == "_" || first == ":"
        else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ":") }
    }

    static func isLabelName(_ name: String) -> Bool {
        isMetricName(name) && !name.contains(":")
    }
}
