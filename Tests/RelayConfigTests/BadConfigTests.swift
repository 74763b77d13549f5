import Foundation
import RelayConfig
import RelayCore
import Testing

/// Each `Fixtures/bad-<name>/` is a config directory (optional `relaygate.yaml`, `conf.d/`)
/// plus `expected.txt`: the exact diagnostics, one `path:line:col: message` per line.
///
/// Convention: the loader is given `<fixtureRoot>/bad-<name>` (an absolute path that
/// depends on where the bundle is), and every `<fixtureRoot>/bad-<name>/` in a printed
/// diagnostic (its location, and paths in messages such as "first defined at") is removed,
/// so `expected.txt` names files relative to the fixture directory:
/// `conf.d/30-routes.yaml:4:4: ...`. Variables come from `testEnvironment`.
@Suite struct BadConfigTests {
    static let fixtures: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtureRoot)) ?? []
        return names.filter { $0.hasPrefix("bad-") }.sorted()
    }()

    /// Every fixture the suite is meant to run, by name: one gone missing, an unexpected one,
    /// or a bundle that could not be read (no fixtures, so nothing checked) fails here.
    static let expectedFixtures = [
        "bad-aliases", "bad-api", "bad-api-tls", "bad-api-tokens", "bad-dangling-platform", "bad-dangling-profile",
        "bad-database", "bad-database-no-url", "bad-duplicate-route", "bad-duration", "bad-global", "bad-h264-options",
        "bad-ingest", "bad-many-files", "bad-missing-keys", "bad-multiple-documents", "bad-name",
        "bad-no-channel-or-match", "bad-raw-passthrough", "bad-reconnect-window", "bad-relative-file", "bad-restart",
        "bad-route-key", "bad-route-limit", "bad-route-pattern", "bad-rtmp-options", "bad-secret", "bad-sink-type",
        "bad-source-type", "bad-top-level-key", "bad-unset-variable", "bad-url", "bad-wrong-type", "bad-yaml-syntax",
    ]

    @Test func everyFixtureIsThereWithItsExpectedDiagnostics() throws {
        #expect(Self.fixtures == Self.expectedFixtures)
        for name in Self.fixtures {
            let expected = try String(contentsOfFile: fixtureRoot + "/" + name + "/expected.txt", encoding: .utf8)
            #expect(expected.split(separator: "\n").contains { !$0.isEmpty }, "\(name)/expected.txt names no diagnostic")
        }
    }

    @Test(arguments: fixtures)
    func reportsExactDiagnostics(_ name: String) throws {
        let directory = fixtureRoot + "/" + name
        let expected = try String(contentsOfFile: directory + "/expected.txt", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let actual = loadErrors(directory).map { $0.replacingOccurrences(of: directory + "/", with: "") }
        #expect(actual == expected, "\(name):\n\(actual.joined(separator: "\n"))")
    }

    @Test func missingDirectoryIsOneError() {
        let directory = fixtureRoot + "/no-such-dir"
        #expect(loadErrors(directory) == ["\(directory): config directory not found"])
    }

    /// No value taken from the environment may appear in any message, whatever the
    /// check that failed; the text as written (`${STREAM_KEY}`) is shown instead.
    @Test(arguments: fixtures)
    func diagnosticsNeverContainSecrets(_ name: String) {
        let output = loadErrors(fixtureRoot + "/" + name).joined(separator: "\n")
        for secret in testEnvironment.values {
            #expect(!output.contains(secret), "\(name) leaks \(secret)")
        }
    }

    @Test func secretsInAShortVariableAreHiddenWhenQuoted() throws {
        let directory = try temporaryConfig([
            "conf.d/20-platforms.yaml": """
            platforms:
              local: { type: rtmp, url: "rtmp://127.0.0.1/live/{channel}", write_timeout: "${T}" }
            """
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let errors = loadErrors(directory, environment: ["T": "zq"])
        #expect(errors.count == 1)
        #expect(errors.first?.hasSuffix("got \"${T}\"") == true)
    }
}
