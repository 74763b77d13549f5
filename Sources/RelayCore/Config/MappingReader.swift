/// Reads one YAML mapping key by key, recording every problem in `diagnostics` and
/// returning nil for values that were wrong, so decoding goes on and finds the rest.
///
/// ```swift
/// var reader = MappingReader(node, context: "source \"pull\"", diagnostics: diagnostics)
/// let url = reader.required("url", .remoteURL(schemes: ["rtmp", "rtmps"]))
/// let loop = reader.optional("loop", .bool) ?? false
/// reader.finish()   // reports keys nobody asked for
/// ```
public struct MappingReader {
    public let node: ConfigNode
    /// How errors name this mapping, e.g. `route "demo"`.
    public let context: String
    public let diagnostics: Diagnostics
    private var entries: [(key: String, keyNode: ConfigNode, value: ConfigNode)] = []
    private var known: [String] = []
    private var finished = false

    /// Returns nil (and records an error) when `node` is not a mapping.
    public init?(_ node: ConfigNode, context: String, diagnostics: Diagnostics) {
        guard case .mapping(let pairs) = node.value else {
            diagnostics.error("\(context) must be a mapping, got \(node.kindDescription)", at: node.location)
            return nil
        }
        self.node = node
        self.context = context
        self.diagnostics = diagnostics
        var seen: [String: SourceLocation] = [:]
        for pair in pairs {
            guard let key = pair.key.scalarText else {
                diagnostics.error("keys in \(context) must be plain names, got \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            if let first = seen[key] {
                diagnostics.error(
                    "duplicate key \"\(key)\" in \(context) (first at line \(first.line))", at: pair.key.location)
                continue
            }
            seen[key] = pair.key.location
            entries.append((key, pair.key, pair.value))
        }
    }

    /// Every key present, in file order.
    public var keys: [String] { entries.map(\.key) }

    public func contains(_ key: String) -> Bool { entries.contains { $0.key == key } }

    /// Marks `key` as known and returns its raw node, if present and not null.
    public mutating func node(_ key: String) -> ConfigNode? {
        if !known.contains(key) { known.append(key) }
        guard let entry = entries.first(where: { $0.key == key }), !entry.value.isNull else { return nil }
        return entry.value
    }

    /// Where `key` was written, for errors about its value that come later.
    public func location(of key: String) -> SourceLocation? {
        entries.first { $0.key == key }?.value.location
    }

    public mutating func required<T>(_ key: String, _ parser: ValueParser<T>) -> T? {
        guard let value = node(key) else {
            diagnostics.error("\(context) is missing required key \"\(key)\"", at: node.location)
            return nil
        }
        return parser.parse(value, key, diagnostics)
    }

    public mutating func optional<T>(_ key: String, _ parser: ValueParser<T>) -> T? {
        guard let value = node(key) else { return nil }
        return parser.parse(value, key, diagnostics)
    }

    /// Marks keys as handled by someone else (for example `type`, read by the registry).
    public mutating func accept(_ keys: String...) {
        for key in keys where !known.contains(key) { known.append(key) }
    }

    /// Reports every key that no one asked for. Call once, after all reads.
    public mutating func finish() {
        guard !finished else { return }
        finished = true
        for entry in entries where !known.contains(entry.key) {
            let expected = known.isEmpty ? "no keys are allowed here" : "expected one of: \(known.joined(separator: ", "))"
            diagnostics.error("unknown key \"\(entry.key)\" in \(context); \(expected)", at: entry.keyNode.location)
        }
    }
}
