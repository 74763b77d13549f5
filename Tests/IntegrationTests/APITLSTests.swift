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

    /// `curl` to `url`; returns its exit status and the HTTP status it printed ("000" when none).
    static func curl(_ url: String, extra: [String] = []) throws -> (status: Int32, http: String) {
        let result = try runProgram(
            "/usr/bin/curl", ["-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}"] + extra + [url])
        return (result.status, result.stdout)
    }

    @Test func healthzOverHTTPSWithTheCertificateAndNotOverPlainHTTP() async throws {
        let directory = try TempDirectory("api-tls")
        let (certificate, key) = try Self.makeCertificate(in: directory)
        // Ready means the validating client fetched the document over HTTPS, trusting only
        // this certificate, and /readyz answered 200.
        let h = try await GatewayHarness(routes: "", api: true, apiTLS: (certificate, key))
        defer { h.stop() }
        let port = try #require(h.apiPort)

        #expect(h.api.baseURL == "https://127.0.0.1:\(port)")
        #expect(try await h.api.get("/healthz", token: nil).status == 200)
        // Without the CA the certificate is not trusted: it really is the one configured.
        let untrusted = try Self.curl("https://127.0.0.1:\(port)/healthz")
        #expect(untrusted.status != 0)
        let plain = try Self.curl("http://127.0.0.1:\(port)/healthz")
        #expect(plain.status != 0 && plain.http != "200", "plain HTTP got \(plain)")
        #expect(h.child.isRunning)
        let startup = h.log.split(separator: "\n").first { $0.contains("control API listening") }
        #expect(startup?.contains("https") == true, "\(h.log)")

        #expect(await h.terminate() == 0, "\(h.log)")
    }

    /// A file that is readable but no certificate passes `validate` (which checks readability)
    /// and stops `run` with an error naming the file.
    @Test func anUnusableCertificateStopsTheRunNamingTheFile() async throws {
        let directory = try TempDirectory("api-tls-bad")
        let (_, key) = try Self.makeCertificate(in: directory)
        let garbage = directory.file("garbage.pem")
        try directory.write("garbage.pem", "not a certificate\n")
        let h = try await GatewayHarness(routes: "", api: true, apiTLS: (garbage, key), waitUntilReady: false)
        defer { h.stop() }
        let status = await h.child.wait(timeout: .seconds(30))
        #expect(status == 1, "\(h.log)")
        #expect(h.log.contains("api.tls: \(garbage) is not a PEM certificate"), "\(h.log)")
    }
}
