@testable import RelayConfig
import RelayCore
import Testing

@Suite struct YAMLDocumentTests {
    func build(_ text: String, environment: [String: String] = [:]) -> (root: ConfigNode?, errors: [String]) {
        let diagnostics = Diagnostics()
        let output = YAMLDocumentBuilder.build(
            bytes: Array(text.utf8), file: "dir/a.yaml", environment: environment, diagnostics: diagnostics)
        return (output.root, diagnostics.items.map(\.description))
    }

    func pairs(_ node: ConfigNode?) -> [(key: ConfigNode, value: ConfigNode)] {
        if case .mapping(let pairs)? = node?.value { return pairs }
        return []
    }

    @Test func locationsAreOneBasedAndStylesRecorded() throws {
        let result = build("a: 1\nb:\n  - 'x'\n  - \"y\"\n  - z\n")
        #expect(result.errors.isEmpty)
        let root = try #require(result.root)
        #expect(root.location == SourceLocation(file: "dir/a.yaml", line: 1, column: 1))
        let entries = pairs(root)
        #expect(entries[0].value.location == SourceLocation(file: "dir/a.yaml", line: 1, column: 4))
        guard case .sequence(let items) = entries[1].value.value else {
            Issue.record("expected a list")
            return
        }
        #expect(items.map(\.location.line) == [3, 4, 5])
        #expect(items.map(\.location.column) == [5, 5, 5])
        let plain = items.map { node -> Bool in
            if case .scalar(_, let isPlain) = node.value { return isPlain }
            return false
        }
        #expect(plain == [false, false, true])
    }

    @Test func emptyFileHasNoContent() {
        for text in ["", "# only a comment\n", "\n\n"] {
            let result = build(text)
            #expect(result.root == nil)
            #expect(result.errors.isEmpty)
        }
    }

    @Test func unsetVariableColumnsWithCRLFAndEscapes() {
        let result = build("a: x\r\nb: \"\\t$${no} ${MISSING}\"\r\nc: |\n  ${ALSO}\n")
        #expect(
            result.errors == [
                "dir/a.yaml:2:14: environment variable \"MISSING\" is not set",
                "dir/a.yaml:3:4: environment variable \"ALSO\" is not set",
            ])
    }

    @Test func escapedDollarBraceIsLiteral() {
        let result = build("a: $${HOME} and ${X}$\n", environment: ["X": "1"])
        #expect(result.errors.isEmpty)
        #expect(pairs(result.root).first?.value.scalarText == "${HOME} and 1$")
    }

    @Test func invalidUTF8IsReportedWithPosition() {
        let diagnostics = Diagnostics()
        _ = YAMLDocumentBuilder.build(
            bytes: Array("a: 1\nb: ".utf8) + [0xFF, 0x0A], file: "f.yaml", environment: [:], diagnostics: diagnostics)
        #expect(diagnostics.items.map(\.description) == ["f.yaml:2:4: unreadable YAML: invalid leading UTF-8 octet (byte 0xFF)"])
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        let result = build(text)
        #expect(result.errors == ["dir/a.yaml:1:201: nesting is deeper than 200 levels"])
    }

    @Test func aliasExpansionIsBounded() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...8 { text += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let result = build(text)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.contains("too many aliases") == true)
    }
}
