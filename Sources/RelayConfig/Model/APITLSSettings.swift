import RelayCore

extension APISettings {
    /// `api: { tls: { certificate, key } }`: the API serves HTTPS itself, as some webhook
    /// senders only call HTTPS receivers.
    public struct TLS: Sendable, Equatable {
        /// Absolute paths of PEM files: the certificate chain (leaf first) and its private key.
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }

        /// Both files must be readable now; whether they hold a usable certificate and key is
        /// checked when the API starts (PEM parsing lives with the TLS library, in ControlAPI).
        static func decode(_ node: ConfigNode, diagnostics: Diagnostics) -> TLS? {
            guard var reader = MappingReader(node, context: "\"tls\" of \"api\"", diagnostics: diagnostics) else { return nil }
            let certificate = reader.required("certificate", .readableFile)
            let key = reader.required("key", .readableFile)
            reader.finish()
            guard let certificate, let key else { return nil }
            return TLS(certificate: certificate, key: key)
        }
    }
}
