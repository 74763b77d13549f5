import Foundation

/// Masks secrets before anything is logged or returned: stream keys, tokens, passwords.
///
/// The rule for URLs: keep scheme, host, port and the first path segment (the RTMP app);
/// mask every later path segment (the stream key), user info and query values. Operators
/// can still tell which server and app a relay talks to, never with which key.
public enum Redaction {
    public static let mask = "***"

    public static func url(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else {
            // Not a URL we understand; if it has a scheme-like prefix, keep only that.
            if let colon = text.firstIndex(of: ":"), !text[..<colon].contains("/") {
                return String(text[...colon]) + mask
            }
            return text
        }
        let scheme = text[..<schemeEnd.lowerBound]
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        if let at = authority.lastIndex(of: "@") {
            authority = mask + "@" + authority[authority.index(after: at)...]
        }
        var tail = rest[authorityEnd...]
        var query: Substring?
        if let q = tail.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            query = tail[tail.index(after: q)...]
            tail = tail[..<q]
        }
        let segments = tail.split(separator: "/", omittingEmptySubsequences: false)
        // segments[0] is "" (before the leading slash), segments[1] the app.
        var path = ""
        for (i, segment) in segments.enumerated() where i > 0 {
            path += "/" + (i == 1 || segment.isEmpty ? String(segment) : mask)
        }
        var result = "\(scheme)://\(authority)\(path)"
        if let query, !query.isEmpty {
            let pairs = query.split(separator: "&").map { pair -> String in
                guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
                return pair[...eq] + mask
            }
            result += "?" + pairs.joined(separator: "&")
        }
        return result
    }

    /// Masks every URL found in free text, such as a libav log line or error message.
    public static func text(_ text: String) -> String {
        guard text.contains("://") else { return text }
        var output = ""
        var index = text.startIndex
        while let range = text.range(of: "://", range: index..<text.endIndex) {
            var start = range.lowerBound
            while start > index, isSchemeCharacter(text[text.index(before: start)]) {
                start = text.index(before: start)
            }
            var end = range.upperBound
            while end < text.endIndex, !isURLTerminator(text[end]) { end = text.index(after: end) }
            output += text[index..<start]
            output += url(String(text[start..<end]))
            index = end
        }
        return output + text[index...]
    }

    private static func isSchemeCharacter(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "-" || c == ".")
    }

    private static func isURLTerminator(_ c: Character) -> Bool {
        c.isWhitespace || c == "'" || c == "\"" || c == "<" || c == ">" || c == ")" || c == ","
    }
}
