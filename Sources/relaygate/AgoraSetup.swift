import AgoraSource
import AsyncHTTPClient
import Logging
import RelayCore

/// The gateway's Agora side when relaygate.yaml has `agora:`: the service that drives Media
/// Push converters and receives NCS webhooks, and the HTTP client it talks through.
struct AgoraSetup {
    let service: AgoraService
    private let http: HTTPClient
    private let logger: Logger

    init?(_ settings: AgoraSettings?, logger: Logger) {
        guard let settings else { return nil }
        http = HTTPClient(eventLoopGroupProvider: .singleton)
        self.logger = logger
        service = AgoraService(
            account: settings,
            http: http, logger: logger)
        if settings.notificationSecret == nil {
            logger.warning("agora.ncs_secret is not set: Agora webhooks will be refused (401)")
        }
        logger.info("agora: Media Push in region \(settings.region) via \(settings.apiURL)")
    }

    /// After boot reconciliation: converters of relaygate's that no running relay owns are
    /// deleted, then the audience of each agora relay's channel is counted periodically.
    func startBackground(running relays: Set<String>) -> Task<Void, Never> {
        Task { [service] in
            await service.deleteOrphanConverters(keeping: relays)
            await service.countViewersPeriodically()
        }
    }

    /// Once every relay has stopped: waits for their converters' deletion, then closes the client.
    func shutdown(timeout: Duration) async {
        await service.shutdown(timeout: timeout)
        do {
            try await http.shutdown()
        } catch {
            logger.debug("agora HTTP client shutdown: \(error)")
        }
    }
}
