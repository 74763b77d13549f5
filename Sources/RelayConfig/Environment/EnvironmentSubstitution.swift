/// `${VAR}` in scalar values, filled from an environment given at load time (tests pass
/// their own; the daemon passes the process environment, e.g. a systemd EnvironmentFile).
/// `$${` writes a literal `${`. Any other `$` is kept as it is.
struct EnvironmentSubstitution: Sendable {
    /// One piece of a scalar's text. Offsets count Unicode scalars, like libyaml's columns.
    enum Token: Equatable, Sendable {
        case literal(String)
        case variable(name: String)
        /// `${` without `}`, or a bad variable name; the message quotes only config text.
        case malformed(message: String)
    }

    struct Problem: Sendable {
        /// Which non-literal token (0-based) the problem is about, to find its column.
        var tokenIndex: Int
        var message: String
    }

    struct Expansion: Sendable {
        var value: String
        var problems: [Problem]
        /// Values that came from the environment, by variable name: secrets to keep out of errors.
        var substituted: [(name: String, value: String)]
        var didSubstitute: Bool { !substituted.isEmpty }
    }

    let environment: [String: String]

    /// True when `text` needs `expand` at all (the common case is no `$`).
    static func mayContainReferences(_ text: String) -> Bool { text.contains("$") }

    func expand(_ text: String) -> Expansion {
        var value = ""
        var problems: [Problem] = []
        var substituted: [(name: String, value: String)] = []
        var index = 0
        for (token, _) in Self.tokenize(Array(text.unicodeScalars)) {
            switch token {
            case .literal(let text):
                value += text
            case .variable(let name):
                if let found = environment[name] {
                    value += found
                    substituted.append((name, found))
                } else {
                    problems.append(Problem(tokenIndex: index, message: "environment variable \"\(name)\" is not set"))
                }
                index += 1
            case .malformed(let message):
                problems.append(Problem(tokenIndex: index, message: message))
                index += 1
            }
        }
        return Expansion(value: value, problems: problems, substituted: substituted)
    }

    /// Splits text into literals, `${NAME}` references and malformed references, each with
    /// its offset. Used on the scalar's value and, to find columns, on its source line.
    static func tokenize(_ scalars: [Unicode.Scalar]) -> [(token: Token, offset: Int)] {
        var tokens: [(token: Token, offset: Int)] = []
        var literal = ""
        var literalStart = 0
        func flush() {
            if !literal.isEmpty { tokens.append((.literal(literal), literalStart)) }
            literal = ""
        }
        func at(_ i: Int) -> Unicode.Scalar? { i < scalars.count ? scalars[i] : nil }
        var i = 0
        while i < scalars.count {
            if scalars[i] == "$", at(i + 1) == "$", at(i + 2) == "{" {
                if literal.isEmpty { literalStart = i }
                literal += "${"
                i += 3
            } else if scalars[i] == "$", at(i + 1) == "{" {
                flush()
                guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                    tokens.append(
                        (.malformed(message: "\"${\" without a closing \"}\"; write ${NAME}, or $${ for a literal \"${\""), i))
                    return tokens
                }
                let name = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
                if isValidName(name) {
                    tokens.append((.variable(name: name), i))
                } else {
                    tokens.append(
                        (.malformed(message: "\"${\(name)}\" is not a valid environment variable reference; names are letters, digits and '_'"), i))
                }
                i = close + 1
                literalStart = i
            } else {
                if literal.isEmpty { literalStart = i }
                literal.unicodeScalars.append(scalars[i])
                i += 1
            }
        }
        flush()
        return tokens
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}
