import Foundation

/// Turns one YAML node into a typed value, or records what was expected and returns nil.
public struct ValueParser<Value>: Sendable {
    public let parse: @Sendable (_ node: ConfigNode, _ key: String, _ diagnostics: Diagnostics) -> Value?

    public init(parse: @escaping @Sendable (_ node: ConfigNode, _ key: String, _ diagnostics: Diagnostics) -> Value?) {
        self.parse = parse
    }

    /// Post-processes a parsed value; `check` returns an error message or nil.
    public func validated(_ check: @escaping @Sendable (Value) -> String?) -> ValueParser<Value> {
        let parse = self.parse
        return ValueParser { node, key, diagnostics in
            guard let value = parse(node, key, diagnostics) else { return nil }
            if let message = check(value) {
                diagnostics.error("\"\(key)\" \(message)", at: node.location)
                return nil
            }
            return value
        }
    }
}

extension ValueParser where Value == String {
    public static var string: ValueParser<String> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText else {
                diagnostics.error("\"\(key)\" must be a string, got \(node.kindDescription)", at: node.location)
                return nil
            }
            return text
        }
    }

    /// A name made of letters, digits, `_`, `-` and `.` (route, profile and platform names, channels).
    public static var name: ValueParser<String> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText, !node.isNull else {
                diagnostics.error("\"\(key)\" must be a name, got \(node.kindDescription)", at: node.location)
                return nil
            }
            guard Names.isValid(text) else {
                diagnostics.error("\"\(key)\" must be a name (\(Names.rule)), got \"\(text)\"", at: node.location)
                return nil
            }
            return text
        }
    }

    /// An absolute path of a file relaygate can read now (a certificate, a key, a CA). The
    /// check at load time turns a typo into a positioned error instead of a failed start.
    public static var readableFile: ValueParser<String> {
        ValueParser<String>.string.validated { path in
            guard path.hasPrefix("/") else { return "must be an absolute path, got \"\(path)\"" }
            guard FileManager.default.isReadableFile(atPath: path) else { return "names a file that cannot be read: \(path)" }
            return nil
        }
    }

    public static func oneOf(_ choices: [String]) -> ValueParser<String> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText, choices.contains(text) else {
                diagnostics.error(
                    "\"\(key)\" must be one of: \(choices.joined(separator: ", ")); got \(node.kindDescription)",
                    at: node.location)
                return nil
            }
            return text
        }
    }
}

extension ValueParser where Value == Bool {
    public static var bool: ValueParser<Bool> {
        ValueParser { node, key, diagnostics in
            if case .scalar(let text, true) = node.value {
                switch text {
                case "true", "True", "TRUE": return true
                case "false", "False", "FALSE": return false
                default: break
                }
            }
            diagnostics.error("\"\(key)\" must be true or false, got \(node.kindDescription)", at: node.location)
            return nil
        }
    }
}

extension ValueParser where Value == Int {
    public static func int(in range: ClosedRange<Int>) -> ValueParser<Int> {
        ValueParser { node, key, diagnostics in
            guard case .scalar(let text, _) = node.value, let value = Int(text), range.contains(value) else {
                diagnostics.error(
                    "\"\(key)\" must be an integer from \(range.lowerBound) to \(range.upperBound), got \(node.kindDescription)",
                    at: node.location)
                return nil
            }
            return value
        }
    }
}

extension ValueParser where Value: Comparable & Sendable {
    /// A number written with a unit (`10s`, `3000k`) that must fall within `range`.
    /// `what` and `examples` name the expected form in the error: "a duration like 10s".
    public static func quantity(
        _ what: String, examples: String, in range: ClosedRange<Value>,
        parse: @escaping @Sendable (String) -> Value?, format: @escaping @Sendable (Value) -> String
    ) -> ValueParser<Value> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText, !node.isNull, let value = parse(text) else {
                diagnostics.error("\"\(key)\" must be \(what) like \(examples), got \(node.kindDescription)", at: node.location)
                return nil
            }
            guard range.contains(value) else {
                diagnostics.error(
                    "\"\(key)\" must be between \(format(range.lowerBound)) and \(format(range.upperBound)), got \(text)",
                    at: node.location)
                return nil
            }
            return value
        }
    }
}

extension ValueParser where Value == Duration {
    /// Durations are written with a unit: `500ms`, `10s`, `1.5s`, `2m`, `1h`.
    public static func duration(in range: ClosedRange<Duration>) -> ValueParser<Duration> {
        quantity("a duration", examples: "500ms, 10s or 2m", in: range, parse: DurationText.parse, format: DurationText.format)
    }
}

extension ValueParser where Value == [String] {
    /// A list of names; a single name is not accepted, so `outputs: local` is reported.
    public static var nameList: ValueParser<[String]> {
        ValueParser { node, key, diagnostics in
            guard case .sequence(let items) = node.value else {
                diagnostics.error("\"\(key)\" must be a list of names, got \(node.kindDescription)", at: node.location)
                return nil
            }
            var names: [String] = []
            var ok = true
            for item in items {
                if let name = ValueParser<String>.name.parse(item, key, diagnostics) { names.append(name) } else { ok = false }
            }
            return ok ? names : nil
        }
    }
}

extension ValueParser where Value == RemoteURL {
    /// A remote URL whose scheme is one of `schemes`. Anything else — `file:`, `concat:`,
    /// `pipe:`, `subfile:` or a bare path — is refused here, before libav could open it.
    public static func remoteURL(schemes: [String]) -> ValueParser<RemoteURL> {
        ValueParser { node, key, diagnostics in
            guard let text = node.scalarText, !node.isNull else {
                diagnostics.error("\"\(key)\" must be a URL, got \(node.kindDescription)", at: node.location)
                return nil
            }
            do throws(RemoteURL.Invalid) {
                return try RemoteURL(text, allowedSchemes: schemes)
            } catch {
                diagnostics.error("\"\(key)\": \(error.message)", at: node.location)
                return nil
            }
        }
    }
}

/// Names of routes, profiles, platforms and channels.
public enum Names {
    public static let rule = "letters, digits, '_', '-' and '.', starting with a letter or digit"

    public static func isValid(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.utf8.count <= 128 else { return false }
        func allowed(_ c: Unicode.Scalar) -> Bool {
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-" || c == ".")
        }
        return first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first))
            && text.unicodeScalars.allSatisfy(allowed)
    }
}
