import Foundation
import RelayConfig
import Testing

/// `api.tls`: both PEM files named, readable at load time.
struct APITLSSettingsTests {
    static let api = """
        api:
          listen: 127.0.0.1:8088
          tokens:
            - { token: "0123456789abcdef0123", scope: admin }

        """

    @Test func readableFilesLoad() throws {
        let directory = try temporaryConfig(["tls/cert.pem": "certificate\n", "tls/key.pem": "key\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (Self.api + "  tls: { certificate: \(directory)/tls/cert.pem, key: \(directory)/tls/key.pem }\n")
            .write(toFile: directory + "/relaygate.yaml", atomically: true, encoding: .utf8)
        let config = try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
        #expect(config.settings.api?.tls == APISettings.TLS(certificate: "\(directory)/tls/cert.pem", key: "\(directory)/tls/key.pem"))
    }

    @Test func withoutTLSTheAPIIsPlainHTTP() throws {
        let directory = try temporaryConfig(["relaygate.yaml": Self.api])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
        #expect(config.settings.api != nil && config.settings.api?.tls == nil)
    }

    @Test func bothKeysAreRequired() throws {
        let directory = try temporaryConfig(["cert.pem": "certificate\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try (Self.api + "  tls:\n    certificate: \(directory)/cert.pem\n")
            .write(toFile: directory + "/relaygate.yaml", atomically: true, encoding: .utf8)
        #expect(loadErrors(directory) == ["\(directory)/relaygate.yaml:6:5: \"tls\" of \"api\" is missing required key \"key\""])
    }
}
