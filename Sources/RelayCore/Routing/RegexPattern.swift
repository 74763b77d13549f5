/// The regex form of a route pattern, written `~regex` (as in nginx): a Swift `Regex`
/// matched against the whole channel name (anchored at both ends), with ASCII-only
/// character classes (`\d` is `[0-9]`). Its named groups are the captures.
///
/// What loading checks: the regex compiles, and a `channelId` group passes `DigitsOnlyGroup`.
/// Whether it can match any channel name of its source's platform is not checked: that is not
/// provable from the text in general.
struct RegexPattern: Sendable, Hashable {
    /// The regex without its `~`.
    let source: String
    /// Named groups in order of their opening parenthesis.
    let captureNames: [String]

    init(_ source: String, pattern text: String) throws(RoutePattern.Invalid) {
        guard !source.isEmpty else { throw .init(message: "pattern \"\(text)\" has an empty regular expression") }
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Self.compile(source)
        } catch {
            throw .init(message: "invalid regular expression in pattern \"\(text)\": \(error)")
        }
        // Names read from the text, kept only if the compiled regex agrees they are groups
        // (text inside `\Q…\E` can look like a group and is not one).
        let groups = Self.namedGroups(in: source).filter { regex.contains(captureNamed: $0.name) }
        if regex.contains(captureNamed: ChannelIdCapture.name) {
            guard let group = groups.first(where: { $0.name == ChannelIdCapture.name }),
                DigitsOnlyGroup.recognizes(source[group.body...])
            else {
                throw .init(message: "capture channelId must match digits only (it is the channel's database id)")
            }
        }
        self.source = source
        self.captureNames = groups.map(\.name)
    }

    /// Compiled at each match: `Regex` is not `Sendable`, and a pattern is matched once per
    /// relay start, where compiling a short regex costs microseconds.
    private static func compile(_ source: String) throws -> Regex<AnyRegexOutput> {
        try Regex(source).asciiOnlyCharacterClasses()
    }

    func match(_ channel: String) -> [String: String]? {
        guard let regex = try? Self.compile(source), let found = try? regex.wholeMatch(in: channel) else { return nil }
        var captures: [String: String] = [:]
        // A group that took no part in the match (`(?<x>a)?`) is left out.
        for name in captureNames {
            if let value = found.output[name]?.substring { captures[name] = String(value) }
        }
        // The recognizer admits `\d+`, which can run past what an Int64 holds.
        if let id = captures[ChannelIdCapture.name], !ChannelIdCapture.accepts(Substring(id)) { return nil }
        return captures
    }

    /// `(?<name>`, `(?P<name>` and `(?'name'` openers outside escapes and bracket classes,
    /// each with where its body starts.
    private static func namedGroups(in source: String) -> [(name: String, body: String.Index)] {
        var groups: [(name: String, body: String.Index)] = []
        var index = source.startIndex
        var inClass = false
        while index < source.endIndex {
            let character = source[index]
            let next = source.index(after: index)
            if character == "\\" {
                index = next < source.endIndex ? source.index(after: next) : next
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
            } else if character == "[" {
                inClass = true
            } else if character == "(" {
                let rest = source[next...]
                for (opener, closer) in [("?<", ">"), ("?P<", ">"), ("?'", "'")] where rest.hasPrefix(opener) {
                    let nameStart = rest.index(rest.startIndex, offsetBy: opener.count)
                    guard let first = rest[nameStart...].first, first.isLetter || first == "_",
                        let close = rest[nameStart...].firstIndex(of: Character(closer))
                    else { continue }
                    groups.append((String(rest[nameStart..<close]), rest.index(after: close)))
                }
            }
            index = next
        }
        return groups
    }
}
