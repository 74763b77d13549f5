import Foundation

/// Where IVS requests go: AWS's regional HTTPS endpoint, or an override for tests. Plain
/// HTTP is allowed on loopback only, so a misconfigured override can never send signed
/// requests (and the stream keys in replies) across a network in clear text.
public struct IVSEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let scheme: String
    public let host: String
    public let port: Int

    /// `https://ivs.<region>.amazonaws.com`.
    public static func aws(region: String) throws(IVSError) -> IVSEndpoint {
        try IVSEndpoint(url: "https://ivs.\(region).amazonaws.com")
    }

    /// An `https://host[:port]` URL, or `http://` on 127.0.0.0/8, ::1 or localhost; no path.
    public init(url: String) throws(IVSError) {
        guard let parsed = URLComponents(string: url), let scheme = parsed.scheme?.lowercased(),
            let host = parsed.host, !host.isEmpty
        else { throw IVSError.invalidRequest("the IVS endpoint \"\(url)\" is not a URL like https://host[:port]") }
        guard parsed.path.isEmpty || parsed.path == "/", parsed.query == nil, parsed.user == nil else {
            throw IVSError.invalidRequest("the IVS endpoint \"\(url)\" must have no path, query or user")
        }
        switch scheme {
        case "https": break
        case "http" where Self.isLoopback(host): break
        case "http": throw IVSError.invalidRequest("the IVS endpoint \"\(url)\" uses plain http, which is allowed on loopback only")
        default: throw IVSError.invalidRequest("the IVS endpoint \"\(url)\" must be https")
        }
        self.scheme = scheme
        self.host = host
        self.port = parsed.port ?? (scheme == "https" ? 443 : 80)
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// The `Host` header: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (scheme == "https" ? 443 : 80) ? name : "\(name):\(port)"
    }

    public var description: String { "\(scheme)://\(hostHeader)" }
}
