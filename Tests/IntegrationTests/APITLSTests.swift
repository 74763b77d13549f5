import Foundation
import Testing
import TestSupport

/// `api.tls`: the control API serves HTTPS itself (Agora's notification service calls only
/// HTTPS receivers), with a certificate made by the openssl CLI for this test.
@Suite(.serialized)
struct APITLSTests {
    /// A self-signed EC certificate for 127.0.0.1 (CN and SAN), with its key.
    static func makeCertificate(in directory: TempDirectory) throws -> (certificate: String, key: String) {
        let certificate = directory.file("cert.pem")
        let key = directory.file("key.pem")
        let made = try runProgram(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
            ])
        try #require(made.status == 0, "\(made.stderr)")
        return (certificate, key)
    }

    /// Starts `relaygate run` with only an `api:` section (no routes), TLS from `tls`.
    static func startGateway(port: Int, certificate: String, key: String, in config: TempDirectory) throws -> ChildProcess {
        try config.write(
            "relaygate.yaml",
            """
            api:
              listen: 127.0.0.1:\(port)
              tokens:
                - { token: "admin-\(UUID().uuidString)", scope: admin }
              tls:
                certificate: \(certificate)
                key: \(key)
            """)
        return try ChildProcess(
            RelaygateBinary.path, ["run", "--config", config.path], logDirectory: config.path, name: "relaygate")
    }

    /// `curl` to `url`; returns its exit status and the HTTP status it printed ("000" when none).
    static func curl(_ url: String, extra: [String] = []) throws -> (status: Int32, http: String) {
        let result = try runProgram(
            "/usr/bin/curl", ["-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}"] + extra + [url])
        return (result.status, result.stdout)
    }

    @Test func healthzOverHTTPSWithTheCertificateAndNotOverPlainHTTP() async throws {
        let directory = try TempDirectory("api-tls")
        let (certificate, key) = try Self.makeCertificate(in: directory)
        let port = FreePort.next()
        let gateway = try Self.startGateway(port: port, certificate: certificate, key: key, in: directory)
        defer { gateway.signal(SIGKILL) }
        let listening = await eventually(timeout: .seconds(10)) { FreePort.isListening(port) }
        try #require(listening, "\(gateway.stderr)")

        let secure = try Self.curl("https://127.0.0.1:\(port)/healthz", extra: ["--cacert", certificate])
        #expect(secure.status == 0 && secure.http == "200", "curl \(secure)\n\(gateway.stderr)")
        // Without the CA the certificate is not trusted: it really is the one configured.
        let untrusted = try Self.curl("https://127.0.0.1:\(port)/healthz")
        #expect(untrusted.status != 0)
        let plain = try Self.curl("http://127.0.0.1:\(port)/healthz")
        #expect(plain.status != 0 && plain.http != "200", "plain HTTP got \(plain)")
        #expect(gateway.isRunning)
        let startup = gateway.stderr.split(separator: "\n").first { $0.contains("control API listening") }
        #expect(startup?.contains("https") == true, "\(gateway.stderr)")

        gateway.signal(SIGTERM)
        #expect(await gateway.wait(timeout: .seconds(10)) == 0, "\(gateway.stderr)")
    }

    /// A file that is readable but no certificate passes `validate` (which checks readability)
    /// and stops `run` with an error naming the file.
    @Test func anUnusableCertificateStopsTheRunNamingTheFile() async throws {
        let directory = try TempDirectory("api-tls-bad")
        let (_, key) = try Self.makeCertificate(in: directory)
        let garbage = directory.file("garbage.pem")
        try directory.write("garbage.pem", "not a certificate\n")
        let gateway = try Self.startGateway(port: FreePort.next(), certificate: garbage, key: key, in: directory)
        defer { gateway.signal(SIGKILL) }
        let status = await gateway.wait(timeout: .seconds(10))
        #expect(status == 1, "\(gateway.stderr)")
        #expect(gateway.stderr.contains("api.tls: \(garbage) is not a PEM certificate"), "\(gateway.stderr)")
    }
}
