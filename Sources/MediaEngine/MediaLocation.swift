import RelayCore

/// Where an input comes from or an output goes, and which libav protocols may be used to
/// get there. The whitelist is always explicit: libav otherwise picks a protocol from any
/// prefix (`concat:`, `subfile:`, `pipe:`, `file:`), and nested opens (HLS segments, the TCP
/// under RTMP) inherit it, so a playlist cannot lead libav anywhere the scheme does not allow.
public struct MediaLocation: Sendable, Hashable {
    /// What is handed to libav.
    let url: String
    /// Comma-separated libav protocol names.
    let protocolWhitelist: String
    /// Safe to log: secrets masked.
    public let displayName: String
    /// Network locations get `rw_timeout`; files do not need it.
    let isNetwork: Bool

    /// Whether libav may open a TLS layer here (rtmps, https): such opens get `TLSTrust` options.
    var usesTLS: Bool { protocolWhitelist.split(separator: ",").contains("tls") }

    /// Protocols each remote scheme needs, nested ones included.
    static let remoteProtocols: [String: String] = [
        "rtmp": "rtmp,tcp",
        "rtmps": "rtmps,rtmp,tls,tcp",
        "srt": "srt",
        // HTTP-FLV or HLS; HLS segments may be AES-128 encrypted (crypto).
        "http": "http,https,tcp,tls,crypto",
        "https": "http,https,tcp,tls,crypto",
    ]

    /// A remote URL. Refused here, before libav sees it, unless its scheme is one of
    /// `allowedSchemes` and one we have a whitelist for.
    public static func remote(_ url: String, allowedSchemes: [String]) throws(AVError) -> MediaLocation {
        let schemes = allowedSchemes.filter { remoteProtocols[$0] != nil }
        let parsed: RemoteURL
        do {
            parsed = try RemoteURL(url, allowedSchemes: schemes)
        } catch {
            throw AVError(error.message, operation: "check URL", target: Redaction.url(url))
        }
        return MediaLocation(
            url: url, protocolWhitelist: remoteProtocols[parsed.scheme]!, displayName: parsed.description,
            isNetwork: true)
    }

    /// A local file, by absolute path; opened through the `file` protocol only.
    public static func file(_ path: String) throws(AVError) -> MediaLocation {
        guard path.hasPrefix("/") else {
            throw AVError("not an absolute path", operation: "check path", target: path)
        }
        // The explicit prefix keeps a path like "/x/concat:y" from being read as a protocol.
        return MediaLocation(url: "file:" + path, protocolWhitelist: "file", displayName: path, isNetwork: false)
    }

    /// A local output path for a muxer that opens its files itself (`hls` names its segments
    /// after it and deletes old ones with `unlink`, so it needs the plain path). Still the
    /// `file` protocol only: libav reads an absolute path as a file whatever follows.
    public static func localOutput(_ path: String) throws(AVError) -> MediaLocation {
        guard path.hasPrefix("/") else {
            throw AVError("not an absolute path", operation: "check path", target: path)
        }
        return MediaLocation(url: path, protocolWhitelist: "file", displayName: path, isNetwork: false)
    }
}
