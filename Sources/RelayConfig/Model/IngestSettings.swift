import Foundation
import RelayCore

/// `ingest:` in relaygate.yaml: the RTMP ingest server that publishers push to (source
/// `rtmp`). It runs when this section is present or any route's source is pushed to; every
/// key is optional.
public struct IngestSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// `rtmp://host[:port]`: what publishers are told (the API's ingest URL). Nil: derived
    /// from `listen` (loopback for a wildcard address).
    public var publicURL: String?
    public var maxConnections: Int
    /// Announced to publishers (ffmpeg publishes with the size the server announces).
    public var chunkSize: Int
    /// A publisher's Set Chunk Size above this closes its connection.
    public var maxChunkSize: Int
    /// A message declared longer than this closes the connection; it also bounds what one
    /// connection holds in partly received messages.
    public var maxMessageSize: Int
    /// From accept until the connection publishes.
    public var handshakeTimeout: Duration
    /// Nothing received for this long closes the connection.
    public var idleTimeout: Duration
    /// Media a publisher may be ahead of its relay before media is dropped up to the next keyframe.
    public var queueBytes: Int
    /// RTMPS on a second port; nil: off.
    public var rtmps: RTMPSSettings?

    /// `ingest: { rtmps: … }`: a second listener that speaks TLS, then the same RTMP.
    public struct RTMPSSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// Absolute paths of PEM files: the certificate chain (leaf first) and its key.
        public var certificate: String
        public var privateKey: String
        /// `rtmps://host[:port]`; nil: derived from `listen`.
        public var publicURL: String?

        public init(host: String, port: Int, certificate: String, privateKey: String, publicURL: String? = nil) {
            self.host = host
            self.port = port
            self.certificate = certificate
            self.privateKey = privateKey
            self.publicURL = publicURL
        }

        public var effectivePublicURL: String {
            publicURL ?? "rtmps://\(IngestSettings.shown(host)):\(port)"
        }

        static func decode(_ node: ConfigNode, diagnostics: Diagnostics) -> RTMPSSettings? {
            guard var reader = MappingReader(node, context: "\"rtmps\" of \"ingest\"", diagnostics: diagnostics) else { return nil }
            let errorsBefore = diagnostics.count
            let listen = reader.required("listen", .listenAddress)
            let certificate = reader.required("certificate", .readableFile)
            let privateKey = reader.required("private_key", .readableFile)
            let publicURL = reader.optional(
                "public_url", ValueParser<String>.string.validated { IngestSettings.checkPublicURL($0, scheme: "rtmps") })
            reader.finish()
            guard diagnostics.count == errorsBefore, let listen, let certificate, let privateKey else { return nil }
            return RTMPSSettings(
                host: listen.host, port: listen.port, certificate: certificate, privateKey: privateKey, publicURL: publicURL)
        }
    }

    public init(
        host: String = "0.0.0.0", port: Int = 1935, publicURL: String? = nil, maxConnections: Int = 1000,
        chunkSize: Int = 4096, maxChunkSize: Int = 0xFF_FFFF, maxMessageSize: Int = 8 * 1024 * 1024,
        handshakeTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(20), queueBytes: Int = 4 * 1024 * 1024,
        rtmps: RTMPSSettings? = nil
    ) {
        self.rtmps = rtmps
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.maxConnections = maxConnections
        self.chunkSize = chunkSize
        self.maxChunkSize = maxChunkSize
        self.maxMessageSize = maxMessageSize
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeout = idleTimeout
        self.queueBytes = queueBytes
    }

    static func decode(_ node: ConfigNode, diagnostics: Diagnostics) -> IngestSettings? {
        guard var reader = MappingReader(node, context: "\"ingest\"", diagnostics: diagnostics) else { return nil }
        let errorsBefore = diagnostics.count
        let defaults = IngestSettings()
        let listen = reader.optional("listen", .listenAddress)
        let publicURL = reader.optional("public_url", ValueParser<String>.string.validated { checkPublicURL($0, scheme: "rtmp") })
        let maxConnections = reader.optional("max_connections", .int(in: 1...100_000))
        // RTMP's smallest chunk is 128 bytes; a message is at most 2^24 - 1 bytes long.
        let chunkSize = reader.optional("chunk_size", .byteSize(in: 128...0xFF_FFFF))
        let maxChunkSize = reader.optional("max_chunk_size", .byteSize(in: 128...0xFF_FFFF))
        let maxMessageSize = reader.optional("max_message_size", .byteSize(in: 64 * 1024...0xFF_FFFF))
        let handshakeTimeout = reader.optional("handshake_timeout", .duration(in: .seconds(1)...(.seconds(300))))
        let idleTimeout = reader.optional("idle_timeout", .duration(in: .seconds(1)...(.seconds(3600))))
        let queueBytes = reader.optional("queue", .byteSize(in: 64 * 1024...(256 * 1024 * 1024)))
        let rtmps = reader.node("rtmps").flatMap { RTMPSSettings.decode($0, diagnostics: diagnostics) }
        reader.finish()
        guard diagnostics.count == errorsBefore else { return nil }
        return IngestSettings(
            host: listen?.host ?? defaults.host, port: listen?.port ?? defaults.port, publicURL: publicURL,
            maxConnections: maxConnections ?? defaults.maxConnections, chunkSize: chunkSize ?? defaults.chunkSize,
            maxChunkSize: maxChunkSize ?? defaults.maxChunkSize, maxMessageSize: maxMessageSize ?? defaults.maxMessageSize,
            handshakeTimeout: handshakeTimeout ?? defaults.handshakeTimeout, idleTimeout: idleTimeout ?? defaults.idleTimeout,
            queueBytes: queueBytes ?? defaults.queueBytes, rtmps: rtmps)
    }

    /// `rtmp://host` or `rtmp://host:port` (or `rtmps://`), nothing after: the app and key are appended.
    static func checkPublicURL(_ text: String, scheme: String) -> String? {
        let expected = "must be \(scheme)://host or \(scheme)://host:port (no path), got \"\(text)\""
        guard text.hasPrefix("\(scheme)://") else { return expected }
        let authority = text.dropFirst("\(scheme)://".count)
        guard !authority.isEmpty, !authority.contains("/"), !authority.contains("?"), !authority.contains("@"),
            !authority.contains(" ")
        else { return expected }
        return nil
    }

    /// The configured public URL, or one derived from `listen`.
    public var effectivePublicURL: String {
        publicURL ?? "rtmp://\(Self.shown(host)):\(port)"
    }

    /// A listen host as a URL shows it: loopback for a wildcard, brackets for IPv6.
    static func shown(_ host: String) -> String {
        if host == "0.0.0.0" || host == "::" { return "127.0.0.1" }
        return host.contains(":") ? "[\(host)]" : host
    }
}
