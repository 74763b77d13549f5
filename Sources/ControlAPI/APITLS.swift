import HummingbirdTLS
import NIOSSL

/// The control API's HTTPS setup: the PEM files of `api.tls`, read and checked before the
/// server starts, so a bad certificate stops `relaygate run` with the file it came from
/// rather than failing every handshake later.
public struct APITLS: Sendable {
    /// PEM files: the certificate chain (leaf first) and its private key.
    public var certificatePath: String
    public var keyPath: String

    public init(certificatePath: String, keyPath: String) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    public struct SetupError: Error, CustomStringConvertible {
        public var description: String
    }

    /// TLS 1.2 or newer with the certificate chain and key; throws naming the file at fault.
    func serverConfiguration() throws(SetupError) -> TLSConfiguration {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw SetupError(description: "api.tls: \(certificatePath) is not a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else {
            throw SetupError(description: "api.tls: \(certificatePath) holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw SetupError(description: "api.tls: \(keyPath) is not an unencrypted PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        // Building a context checks that the key belongs to the certificate.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SetupError(description: "api.tls: key \(keyPath) does not fit certificate \(certificatePath): \(error)")
        }
        return configuration
    }
}
