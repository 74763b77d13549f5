import RelayCore

/// A text that came from the environment and must not appear in error messages: the
/// substituted value, and the text as written (`${CF_TOKEN}`) to show instead.
struct SecretText: Sendable, Hashable {
    var value: String
    var written: String
}

/// Turns one YAML file into a `ConfigNode` tree: positions become `SourceLocation`s,
/// aliases are replaced by their anchored node, and `${VAR}` is substituted in values.
struct YAMLDocumentBuilder {
    /// Deeper nesting than this is refused instead of risking the stack.
    static let maxDepth = 200
    /// Aliases copy nodes; this bounds the total so "billion laughs" files are refused.
    static let maxNodes = 1_000_000

    struct Output {
        /// nil for an empty file (or one with only comments).
        var root: ConfigNode?
        var secrets: [SecretText]
        /// Scalars whose `${...}` could not be filled, and the errors saying so. Other
        /// errors about these scalars' values follow from that one and are dropped.
        var unresolved: Set<SourceLocation> = []
        var substitutionErrors: Set<Diagnostic> = []
    }

    private let file: String
    private let bytes: [UInt8]
    private let substitution: EnvironmentSubstitution
    private let diagnostics: Diagnostics
    private var anchors: [String: (node: ConfigNode, size: Int)] = [:]
    private var nodeCount = 0
    private var secrets: Set<SecretText> = []
    private var unresolved: Set<SourceLocation> = []
    private var substitutionErrors: Set<Diagnostic> = []
    private lazy var lines: [[Unicode.Scalar]] = Self.splitLines(bytes)

    /// Reads `bytes` (the contents of `file`); problems go to `diagnostics`.
    static func build(
        bytes: [UInt8], file: String, environment: [String: String], diagnostics: Diagnostics
    ) -> Output {
        var builder = YAMLDocumentBuilder(
            file: file, bytes: bytes, substitution: EnvironmentSubstitution(environment: environment),
            diagnostics: diagnostics)
        do throws(YAMLSyntaxError) {
            let parser = try YAMLParser(bytes: bytes)
            let root = try builder.parseStream(parser)
            return Output(
                root: root, secrets: Array(builder.secrets), unresolved: builder.unresolved,
                substitutionErrors: builder.substitutionErrors)
        } catch {
            diagnostics.error(error.message, at: builder.location(error.mark))
            return Output(root: nil, secrets: Array(builder.secrets))
        }
    }

    private init(file: String, bytes: [UInt8], substitution: EnvironmentSubstitution, diagnostics: Diagnostics) {
        self.file = file
        self.bytes = bytes
        self.substitution = substitution
        self.diagnostics = diagnostics
    }

    private mutating func parseStream(_ parser: YAMLParser) throws(YAMLSyntaxError) -> ConfigNode? {
        guard case .streamStart = try parser.next() else { return nil }
        guard case .documentStart = try parser.next() else { return nil }  // stream end: empty file
        let root = try parseNode(try parser.next(), parser, isKey: false, depth: 0).node
        _ = try parser.next()  // document end
        if case .documentStart(let mark) = try parser.next() {
            throw YAMLSyntaxError(
                message: "a config file holds one YAML document; found a second one (\"---\")", mark: mark)
        }
        return root
    }

    private mutating func parseNode(
        _ event: YAMLEvent, _ parser: YAMLParser, isKey: Bool, depth: Int
    ) throws(YAMLSyntaxError) -> (node: ConfigNode, size: Int) {
        let result: (node: ConfigNode, size: Int)
        let anchor: String?
        switch event {
        case .scalar(let scalar):
            anchor = scalar.anchor
            result = (isKey ? keyNode(scalar) : valueNode(scalar), 1)
        case .alias(let name, let mark):
            guard let target = anchors[name] else {
                throw YAMLSyntaxError(message: "alias \"*\(name)\" refers to no anchor \"&\(name)\" defined before it", mark: mark)
            }
            anchor = nil
            result = target
        case .sequenceStart(let name, let mark):
            try checkDepth(depth, mark)
            anchor = name
            var items: [ConfigNode] = []
            var size = 1
            while true {
                let next = try parser.next()
                if case .sequenceEnd = next { break }
                let item = try parseNode(next, parser, isKey: false, depth: depth + 1)
                items.append(item.node)
                size += item.size
            }
            result = (ConfigNode(.sequence(items), at: location(mark)), size)
        case .mappingStart(let name, let mark):
            try checkDepth(depth, mark)
            anchor = name
            var pairs: [(key: ConfigNode, value: ConfigNode)] = []
            var size = 1
            while true {
                let next = try parser.next()
                if case .mappingEnd = next { break }
                let key = try parseNode(next, parser, isKey: true, depth: depth + 1)
                let value = try parseNode(try parser.next(), parser, isKey: false, depth: depth + 1)
                pairs.append((key.node, value.node))
                size += key.size + value.size
            }
            result = (ConfigNode(.mapping(pairs), at: location(mark)), size)
        default:
            // The parser only produces well-nested events; anything else is a libyaml bug.
            throw YAMLSyntaxError(message: "unexpected YAML event", mark: YAMLMark(line: 1, column: 1))
        }
        nodeCount += result.size
        if nodeCount > Self.maxNodes {
            throw YAMLSyntaxError(
                message: "file expands to more than \(Self.maxNodes) nodes (too many aliases)", mark: YAMLMark(line: 1, column: 1))
        }
        if let anchor { anchors[anchor] = result }
        return result
    }

    private func checkDepth(_ depth: Int, _ mark: YAMLMark) throws(YAMLSyntaxError) {
        if depth >= Self.maxDepth {
            throw YAMLSyntaxError(message: "nesting is deeper than \(Self.maxDepth) levels", mark: mark)
        }
    }

    /// Keys are names, never secrets: no substitution.
    private func keyNode(_ scalar: YAMLScalar) -> ConfigNode {
        .scalar(scalar.value, plain: scalar.isPlain, at: location(scalar.start))
    }

    private mutating func valueNode(_ scalar: YAMLScalar) -> ConfigNode {
        let at = location(scalar.start)
        guard EnvironmentSubstitution.mayContainReferences(scalar.value) else {
            return .scalar(scalar.value, plain: scalar.isPlain, at: at)
        }
        let expansion = substitution.expand(scalar.value)
        if expansion.didSubstitute {
            secrets.insert(SecretText(value: expansion.value, written: scalar.value))
            for (name, value) in expansion.substituted {
                secrets.insert(SecretText(value: value, written: "${\(name)}"))
            }
        }
        guard expansion.problems.isEmpty else {
            for problem in expansion.problems {
                let diagnostic = Diagnostic(problem.message, at: referenceLocation(scalar, tokenIndex: problem.tokenIndex))
                diagnostics.append(contentsOf: [diagnostic])
                substitutionErrors.insert(diagnostic)
            }
            // The text as written, not "": an empty value would read as a missing key.
            unresolved.insert(at)
            return .scalar(scalar.value, plain: scalar.isPlain, at: at)
        }
        return .scalar(expansion.value, plain: scalar.isPlain, at: at)
    }

    /// Where the `tokenIndex`-th `${` of a scalar was written. Exact for scalars on one
    /// line (found by tokenizing the source between the scalar's marks, so quotes and
    /// escapes are accounted for); the scalar's start otherwise.
    private mutating func referenceLocation(_ scalar: YAMLScalar, tokenIndex: Int) -> SourceLocation {
        let fallback = location(scalar.start)
        guard scalar.start.line == scalar.end.line, scalar.style != .literal, scalar.style != .folded,
            scalar.start.line <= lines.count
        else { return fallback }
        let line = lines[scalar.start.line - 1]
        let from = min(scalar.start.column - 1, line.count)
        let to = max(from, min(scalar.end.column - 1, line.count))
        let references = EnvironmentSubstitution.tokenize(Array(line[from..<to])).filter {
            if case .literal = $0.token { return false }
            return true
        }
        guard tokenIndex < references.count else { return fallback }
        return SourceLocation(file: file, line: scalar.start.line, column: scalar.start.column + references[tokenIndex].offset)
    }

    private func location(_ mark: YAMLMark) -> SourceLocation {
        SourceLocation(file: file, line: mark.line, column: mark.column)
    }

    private static func splitLines(_ bytes: [UInt8]) -> [[Unicode.Scalar]] {
        // Split on scalars, not Characters: "\r\n" is one Character in Swift.
        String(decoding: bytes, as: UTF8.self).unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var scalars = Array(line)
            if scalars.last == "\r" { scalars.removeLast() }
            return scalars
        }
    }
}
