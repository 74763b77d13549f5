import Foundation
import RelayConfig
import RelayCore
import Testing

/// docs/config.md's "Complete example": every ```yaml block right after a line
/// `` `/etc/relaygate/<path>`: `` is written to `<path>` and the result must load.
@Suite struct DocsExampleTests {
    static func exampleFiles() throws -> [String: String] {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/config.md", encoding: .utf8)
        var files: [String: String] = [:]
        var target: String?
        var block: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if var lines = block {
                if line == "```" {
                    if let target { files[target] = lines.joined(separator: "\n") + "\n" }
                    block = nil
                    target = nil
                } else {
                    lines.append(line)
                    block = lines
                }
            } else if line.hasPrefix("`/etc/relaygate/"), line.hasSuffix("`:") {
                target = String(line.dropFirst("`/etc/relaygate/".count).dropLast(2))
            } else if line == "```yaml", target != nil {
                block = []
            }
        }
        return files
    }

    @Test func completeExampleLoads() throws {
        let files = try Self.exampleFiles()
        #expect(files.count == 4)
        let directory = try temporaryConfig(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try ConfigLoader(registry: testRegistry, environment: [
            "YOUTUBE_STREAM_KEY": "k-123", "DATABASE_URL": "postgres://relay:pw@127.0.0.1:5432/relay",
        ])
            .load(directory: directory)
        #expect(config.routes.map(\.name) == ["sellers", "lobby"])
        #expect(config.staticRoutes.map(\.name) == ["lobby"])
        #expect(Set(config.profiles.keys) == Set(BuiltinProfiles.names + ["smooth"]))
        #expect(Set(config.platforms.keys) == ["local", "youtube"])
        #expect(config.settings.database?.url == "postgres://relay:pw@127.0.0.1:5432/relay")
    }
}
