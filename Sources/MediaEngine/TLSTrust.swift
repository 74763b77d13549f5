/// Whom a TLS output (rtmps://) trusts to vouch for the server it reaches. Either way the
/// certificate chain and the host name of the URL are verified; a server that fails either
/// check never sees the stream key.
///
/// libav's TLS (gnutls on Debian) loads one trust list or the other: with a CA file the
/// system store is not consulted, so a CA file trusts only what it holds.
public enum TLSTrust: Sendable, Hashable {
    /// The system CA store (gnutls' default: /etc/ssl/certs/ca-certificates.crt on Debian).
    case systemStore
    /// Only the CAs in this PEM file (a private CA, or a self-signed server's own certificate).
    case caFile(String)

    /// The `tls` protocol's options, handed down through rtmps in the open's dictionary.
    /// libav's default is `tls_verify=0`: any certificate, any name.
    var protocolOptions: [(String, String)] {
        switch self {
        case .systemStore: [("tls_verify", "1")]
        case .caFile(let path): [("tls_verify", "1"), ("ca_file", path)]
        }
    }

    private var checkedAgainst: String {
        switch self {
        case .systemStore: "the system CA store"
        case .caFile(let path): "the CA file \(path)"
        }
    }

    /// Why a connection failed in its TLS layer, from the errors libav logged during the
    /// open (libav returns only EIO); nil when the TLS layer logged nothing.
    func failure(in logged: [LoggedErrors.Line]) -> String? {
        let tls = logged.filter { $0.component == "tls" }.map(\.message)
        guard !tls.isEmpty else { return nil }
        let detail = "(libav: \(tls.joined(separator: "; ")))"
        // The messages of libavformat/tls_gnutls.c (5.1) for the two checks.
        if tls.contains(where: { $0.hasPrefix("The certificate's owner does not match hostname") }) {
            return "the server's certificate is not valid for the host name in the URL \(detail)"
        }
        if tls.contains(where: { $0.contains("certificate failed verification") || $0.hasPrefix("Unable to verify peer") }) {
            return "the server's certificate did not verify against \(checkedAgainst) \(detail)"
        }
        return "the TLS handshake failed \(detail)"
    }
}
