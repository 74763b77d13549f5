import Logging
import RTMPIngest
import ServiceLifecycle

/// The RTMP ingest server as a service: it listens from the start when a route needs it (or
/// when a reload first does, through `listenIfNeeded`), and closes once the relays are gone.
struct IngestService: Service {
    let server: RTMPIngestServer
    /// Whether the config at boot needs it.
    let neededAtBoot: Bool
    let logger: Logger

    func run() async throws {
        if neededAtBoot { try await listen() }
        try? await gracefulShutdown()
        await server.shutdown()
    }

    /// Starts the listener unless it runs; a failure is logged (critical) and thrown.
    func listen() async throws {
        let configuration = server.configuration
        do {
            try await server.listen()
        } catch {
            logger.critical("RTMP ingest cannot listen on \(configuration.host):\(configuration.port): \(error)")
            throw error
        }
    }
}
