/// A pattern over channel names, like `seller_{channelId}`: literal text and named captures.
/// Each capture matches one or more characters; matching is anchored at both ends.
public struct RoutePattern: Sendable, Hashable, Codable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case literal(String)
        case capture(String)
    }

    public let text: String
    let parts: [Part]

    public struct Invalid: Error, Sendable {
        public var message: String
    }

    public init(_ text: String) throws(Invalid) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else {
                throw Invalid(message: "unclosed \"{\" in pattern \"\(text)\"")
            }
            let name = String(after[..<close])
            guard Names.isValid(name), !name.contains("."), !name.contains("-") else {
                throw Invalid(message: "capture name \"\(name)\" in pattern \"\(text)\" must be letters, digits and '_'")
            }
            if case .capture = parts.last {
                throw Invalid(message: "captures in pattern \"\(text)\" must be separated by literal text")
            }
            parts.append(.capture(name))
            rest = after[after.index(after: close)...]
        }
        if rest.contains("}") { throw Invalid(message: "unmatched \"}\" in pattern \"\(text)\"") }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        guard !parts.isEmpty else { throw Invalid(message: "pattern must not be empty") }
        self.text = text
        self.parts = parts
    }

    public var captureNames: [String] {
        parts.compactMap { if case .capture(let name) = $0 { name } else { nil } }
    }

    /// The captures if `channel` matches, else nil.
    public func match(_ channel: String) -> [String: String]? {
        var captures: [String: String] = [:]
        return Self.match(parts[...], Substring(channel), &captures) ? captures : nil
    }

    private static func match(_ parts: ArraySlice<Part>, _ input: Substring, _ captures: inout [String: String]) -> Bool {
        guard let first = parts.first else { return input.isEmpty }
        switch first {
        case .literal(let text):
            guard input.hasPrefix(text) else { return false }
            return match(parts.dropFirst(), input.dropFirst(text.count), &captures)
        case .capture(let name):
            // Shortest capture first, so `a_{x}_{y}` style patterns split at the first separator.
            var end = input.startIndex
            while end < input.endIndex {
                end = input.index(after: end)
                if match(parts.dropFirst(), input[end...], &captures) {
                    captures[name] = String(input[..<end])
                    return true
                }
            }
            return false
        }
    }

    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
