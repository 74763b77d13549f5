import Foundation

/// A certificate authority made for one test by the openssl CLI, and the server certificates
/// it signs. Nothing is committed: keys and certificates live in a temporary directory.
public final class TestCertificateAuthority: Sendable {
    public let directory: TempDirectory
    /// The CA's certificate (PEM): what a client given it as its CA file trusts.
    public let certificate: String
    private let key: String

    public init(name: String = "relaygate test CA") throws {
        directory = try TempDirectory("test-ca")
        certificate = directory.file("ca.pem")
        key = directory.file("ca.key")
        try Self.openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-keyout", key, "-out", certificate,
        ])
    }

    /// A server certificate for `names` (host names or IP addresses, all in its subjectAltName),
    /// signed by this CA, with its unencrypted key; files `<label>.pem` and `<label>.key`.
    public func issue(_ label: String, for names: [String]) throws -> (certificate: String, key: String) {
        let serverKey = directory.file("\(label).key")
        let request = directory.file("\(label).csr")
        let serverCertificate = directory.file("\(label).pem")
        let alternativeNames = names.map { Self.isAddress($0) ? "IP:\($0)" : "DNS:\($0)" }.joined(separator: ",")
        try directory.write(
            "\(label).ext",
            "subjectAltName=\(alternativeNames)\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        try Self.openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=\(names[0])",
            "-keyout", serverKey, "-out", request,
        ])
        try Self.openssl([
            "x509", "-req", "-in", request, "-CA", certificate, "-CAkey", key, "-CAcreateserial", "-days", "2",
            "-extfile", directory.file("\(label).ext"), "-out", serverCertificate,
        ])
        return (serverCertificate, serverKey)
    }

    private static func isAddress(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" }
    }

    private static func openssl(_ arguments: [String]) throws {
        let result = try runProgram("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw TestFailure("openssl \(arguments[0]) failed: \(result.stderr)") }
    }
}
