import RTMPProtocol

/// How the RTMP ingest server listens and what it allows each connection.
package struct RTMPIngestConfiguration: Sendable, Equatable {
    package var host: String
    package var port: Int
    /// `rtmp://host:port`: the address publishers are told (API, Agora converters).
    package var publicURL: String
    /// Connections beyond this are closed as soon as they are accepted.
    package var maxConnections: Int
    /// From accept until the connection publishes (handshake, connect, publish).
    package var handshakeTimeout: Duration
    /// Nothing received for this long closes the connection.
    package var idleTimeout: Duration
    /// Bytes of media a publisher may be ahead of its relay's worker; beyond, media is
    /// dropped up to the next video keyframe (live media is worthless late).
    package var queueBytes: Int
    /// Chunk size announced, and the protocol limits.
    var session: RTMPServerConfiguration
    /// RTMPS: a second listener speaking TLS, then the same protocol.
    package var tls: TLS?

    package struct TLS: Sendable, Equatable {
        package var host: String
        package var port: Int
        /// PEM files: the certificate chain (leaf first) and its private key.
        package var certificatePath: String
        package var privateKeyPath: String
        /// `rtmps://host:port`: what publishers are told.
        package var publicURL: String

        package init(host: String, port: Int, certificatePath: String, privateKeyPath: String, publicURL: String) {
            self.host = host
            self.port = port
            self.certificatePath = certificatePath
            self.privateKeyPath = privateKeyPath
            self.publicURL = publicURL
        }
    }

    package init(
        host: String = "0.0.0.0", port: Int = 1935, publicURL: String? = nil, maxConnections: Int = 1000,
        handshakeTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(20), queueBytes: Int = 4 * 1024 * 1024,
        chunkSize: Int = 4096, maxChunkSize: Int = 0xFF_FFFF, maxMessageSize: Int = 8 * 1024 * 1024, tls: TLS? = nil
    ) {
        self.tls = tls
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "rtmp://\(host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host):\(port)"
        self.maxConnections = maxConnections
        self.handshakeTimeout = handshakeTimeout
        self.idleTimeout = idleTimeout
        self.queueBytes = queueBytes
        session = RTMPServerConfiguration(chunkSize: chunkSize, maxChunkSize: maxChunkSize, maxMessageSize: maxMessageSize)
    }
}
