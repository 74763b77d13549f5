import RelayConfig
import RTMPIngest

/// `ingest:` (or its defaults) as the RTMP ingest server takes it.
enum IngestSetup {
    static func configuration(_ settings: IngestSettings?) -> RTMPIngestConfiguration {
        let settings = settings ?? IngestSettings()
        return RTMPIngestConfiguration(
            host: settings.host, port: settings.port, publicURL: settings.effectivePublicURL,
            maxConnections: settings.maxConnections, handshakeTimeout: settings.handshakeTimeout,
            idleTimeout: settings.idleTimeout, queueBytes: settings.queueBytes, chunkSize: settings.chunkSize,
            maxChunkSize: settings.maxChunkSize, maxMessageSize: settings.maxMessageSize,
            tls: settings.rtmps.map {
                RTMPIngestConfiguration.TLS(
                    host: $0.host, port: $0.port, certificatePath: $0.certificate, privateKeyPath: $0.privateKey,
                    publicURL: $0.effectivePublicURL)
            })
    }
}
