/// Where something was written: `conf.d/30-routes.yaml:14:7` (1-based line and column).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A YAML value with its position, as the config loader read it. Plugins decode their
/// own options from this tree, so every error they report can name a line and column.
public struct ConfigNode: Sendable {
    public enum Value: Sendable {
        /// `isPlain` is false for quoted scalars, so `"true"` stays a string while `true` is a bool.
        case scalar(String, isPlain: Bool)
        case mapping([(key: ConfigNode, value: ConfigNode)])
        case sequence([ConfigNode])
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    public static func scalar(_ text: String, plain: Bool = true, at location: SourceLocation) -> ConfigNode {
        ConfigNode(.scalar(text, isPlain: plain), at: location)
    }

    /// The scalar's text, or nil for mappings and sequences.
    public var scalarText: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    /// True for `~`, `null`, or an empty plain scalar.
    public var isNull: Bool {
        if case .scalar(let text, let plain) = value, plain {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// A word for error messages: what was found where something else was expected.
    public var kindDescription: String {
        switch value {
        case .scalar(let text, _): return isNull ? "null" : "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}
