import Foundation
import PassthroughTranscoder
import RTMPSource
import RelayConfig
import RelayCore
import Testing

/// Companions whose accounts are their platforms' own settings (`needsSection: false`):
/// they exist without a section in relaygate.yaml, and a section, when present, is still
/// read and checked by their plugin.
@Suite struct CompanionSectionTests {
    /// Sink `account`: a platform plugin whose companion reads an optional `account:` section.
    enum AccountSinkPlugin: SinkPlugin {
        static let type = "account"
        struct Options: PluginOptions {
            var token: String
        }
        static func decodeOptions(_ reader: inout MappingReader) -> Options? { reader.required("token", .string).map(Options.init) }
        static var companion: (any CompanionPlugin.Type)? { AccountCompanionPlugin.self }
        static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
            throw RelayError(.internal, "not in these tests")
        }
    }

    enum AccountCompanionPlugin: CompanionPlugin {
        static let section = "account"
        static let needsSection = false
        struct Settings: PluginOptions {
            var pollSeconds: Int64
        }
        static func decodeSettings(_ reader: inout MappingReader) -> Settings? {
            Settings(pollSeconds: (reader.optional("poll", .duration(in: .seconds(1)...(.seconds(600)))) ?? .seconds(15)).milliseconds / 1000)
        }
        static func makeCompanion(settings: Settings, context: CompanionContext) throws -> any RelayCompanion {
            throw RelayError(.internal, "not in these tests")
        }
    }

    static let registry = PluginRegistry(
        sources: [RTMPSourcePlugin.self], transcoders: [PassthroughPlugin.self], sinks: [AccountSinkPlugin.self])

    static let routes = """
        platforms:
          shop_account: { type: account, token: "${TOKEN}" }
        routes:
          sellers: { match: "seller_{n}", source: { type: rtmp }, outputs: [shop_account] }

        """

    static func load(_ files: [String: String]) throws(ConfigErrors) -> GatewayConfig {
        let directory = try! temporaryConfig(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: registry, environment: ["TOKEN": "t0ken"]).load(directory: directory)
    }

    @Test func withoutItsSectionTheCompanionHasItsDefaults() throws {
        let withoutFile = try Self.load(["conf.d/30-routes.yaml": Self.routes])
        #expect(withoutFile.settings.companions == ["account": #"{"pollSeconds":15}"#])
        let withoutSection = try Self.load(["relaygate.yaml": "log_level: debug\n", "conf.d/30-routes.yaml": Self.routes])
        #expect(withoutSection.settings.companions == ["account": #"{"pollSeconds":15}"#])
    }

    @Test func aSectionThatIsThereIsReadAndChecked() throws {
        let config = try Self.load(["relaygate.yaml": "account:\n  poll: 5s\n", "conf.d/30-routes.yaml": Self.routes])
        #expect(config.settings.companions == ["account": #"{"pollSeconds":5}"#])
        do {
            _ = try Self.load(["relaygate.yaml": "account:\n  poll: 5s\n  pol: 1s\n", "conf.d/30-routes.yaml": Self.routes])
            Issue.record("an unknown key in the section was accepted")
        } catch {
            let errors = error.diagnostics.map(\.description)
            #expect(errors.contains { $0.contains("relaygate.yaml:3") && $0.contains("\"pol\"") }, "\(errors)")
        }
    }
}
