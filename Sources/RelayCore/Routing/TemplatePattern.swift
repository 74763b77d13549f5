/// The template form of a route pattern, `seller_{channelId}`: literal text and named
/// captures. Each capture matches one or more characters, `{channelId}` only 1–18 ASCII
/// digits; matching is anchored at both ends.
struct TemplatePattern: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(String)
        case capture(String)
    }

    let parts: [Part]

    init(_ text: String) throws(RoutePattern.Invalid) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else {
                throw .init(message: "unclosed \"{\" in pattern \"\(text)\"")
            }
            let name = String(after[..<close])
            guard Names.isValid(name), !name.contains("."), !name.contains("-") else {
                throw .init(message: "capture name \"\(name)\" in pattern \"\(text)\" must be letters, digits and '_'")
            }
            if case .capture = parts.last {
                throw .init(message: "captures in pattern \"\(text)\" must be separated by literal text")
            }
            parts.append(.capture(name))
            rest = after[after.index(after: close)...]
        }
        if rest.contains("}") { throw .init(message: "unmatched \"}\" in pattern \"\(text)\"") }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        guard !parts.isEmpty else { throw .init(message: "pattern must not be empty") }
        self.parts = parts
    }

    /// A template is fully known, so "can never match" is provable: a literal character
    /// outside the rule's set, or more required characters than a channel name may have.
    func neverMatches(_ rule: ChannelNameRule, text: String) -> String? {
        let never = "pattern \"\(text)\" can never match \(rule.name)"
        var shortest = 0
        for part in parts {
            switch part {
            case .literal(let literal):
                if let bad = literal.first(where: { !rule.allowedCharacters.contains($0) }) {
                    return "\(never): \"\(bad)\" is not allowed in channel names (allowed: \(rule.allowedDescription))"
                }
                shortest += literal.count
            case .capture:
                shortest += 1
            }
        }
        if shortest > rule.maxLength {
            return "\(never): it needs at least \(shortest) characters, and channel names have at most \(rule.maxLength)"
        }
        return nil
    }

    var captureNames: [String] {
        parts.compactMap { if case .capture(let name) = $0 { name } else { nil } }
    }

    func match(_ channel: String) -> [String: String]? {
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
            // `channelId` may only grow over digits, so `seller_{channelId}` refuses "seller_abc"
            // instead of handing the database an id it cannot store.
            let digitsOnly = name == ChannelIdCapture.name
            var length = 0
            var end = input.startIndex
            // Shortest capture first, so `a_{x}_{y}` style patterns split at the first separator.
            while end < input.endIndex {
                if digitsOnly, length == ChannelIdCapture.maxDigits || !ChannelIdCapture.isASCIIDigit(input[end]) { return false }
                end = input.index(after: end)
                length += 1
                if match(parts.dropFirst(), input[end...], &captures) {
                    captures[name] = String(input[..<end])
                    return true
                }
            }
            return false
        }
    }
}
