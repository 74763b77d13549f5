/// Decides, from its text, whether a regex group body can only ever match ASCII digits and
/// never the empty string: the test a regex route's `channelId` group must pass.
///
/// It recognizes a deliberately small language, not all regexes that happen to be digits-only:
/// a sequence of one or more pieces, each a digit atom with an optional quantifier.
/// - atoms: `\d`, a digit `0`–`9`, or a bracket class of digits and digit ranges (`[0-9]`,
///   `[1-9]`, `[0-47-9]`, `[05]`);
/// - quantifiers: `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`;
/// - at least one piece must require a digit (`\d*` alone could match nothing).
///
/// So `\d+`, `[0-9]+`, `\d{1,9}`, `[0-9]{3}`, `[1-9][0-9]*` pass; `.+`, `\w+`, `[0-9a-f]+`,
/// `\d*`, `(\d+)` and `\d+|x` do not. `\d` is ASCII-only because route regexes are compiled
/// with ASCII character classes.
enum DigitsOnlyGroup {
    /// `body` starts right after the group's `(?<name>` and may run on past its `)`: the
    /// result is whether the text up to the first `)` is a recognized body, and it is false
    /// when there is no `)` or any other construct comes first.
    static func recognizes(_ body: Substring) -> Bool {
        var rest = body
        var requiresDigit = false
        var pieces = 0
        while let next = rest.first, next != ")" {
            guard let afterAtom = atom(rest) else { return false }
            let (minimum, afterQuantifier) = quantifier(afterAtom)
            guard let afterQuantifier else { return false }
            if minimum > 0 { requiresDigit = true }
            pieces += 1
            rest = afterQuantifier
        }
        return rest.first == ")" && pieces > 0 && requiresDigit
    }

    /// The text after one digit atom, or nil if `text` does not start with one.
    private static func atom(_ text: Substring) -> Substring? {
        if text.hasPrefix("\\d") { return text.dropFirst(2) }
        if let first = text.first, ChannelIdCapture.isASCIIDigit(first) { return text.dropFirst() }
        guard text.first == "[" else { return nil }
        var rest = text.dropFirst()
        var items = 0
        while let first = rest.first, first != "]" {
            guard ChannelIdCapture.isASCIIDigit(first) else { return nil }
            rest = rest.dropFirst()
            if rest.first == "-" {
                rest = rest.dropFirst()
                guard let last = rest.first, ChannelIdCapture.isASCIIDigit(last), first <= last else { return nil }
                rest = rest.dropFirst()
            }
            items += 1
        }
        guard rest.first == "]", items > 0 else { return nil }
        return rest.dropFirst()
    }

    /// The least repetitions an optional quantifier at the start of `text` allows (1 when
    /// there is none), and the text after it; nil text for a malformed or lazy/possessive
    /// quantifier, which the recognizer does not accept.
    private static func quantifier(_ text: Substring) -> (minimum: Int, rest: Substring?) {
        let (minimum, rest): (Int, Substring)
        switch text.first {
        case "?", "*": (minimum, rest) = (0, text.dropFirst())
        case "+": (minimum, rest) = (1, text.dropFirst())
        case "{":
            guard let close = text.firstIndex(of: "}") else { return (0, nil) }
            let bounds = text[text.index(after: text.startIndex)..<close].split(separator: ",", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.allSatisfy(ChannelIdCapture.isASCIIDigit) }),
                let lower = Int(bounds[0]),
                bounds.count == 1 || bounds[1].isEmpty || Int(bounds[1]).map({ $0 >= lower && $0 > 0 }) == true
            else { return (0, nil) }
            (minimum, rest) = (lower, text[text.index(after: close)...])
        default: return (1, text)
        }
        // `+?`, `++`, `*?`: legal regex, but outside the recognized language (kept small on purpose).
        if let next = rest.first, "?+*{".contains(next) { return (0, nil) }
        return (minimum, rest)
    }
}
