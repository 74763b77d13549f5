import Agora
import AsyncHTTPClient
import Foundation
import Logging
public import RelayCore
import Synchronization

/// The `agora:` section's companion: the supervisor-side half of source `agora`, one per
/// gateway. It gives each agora relay a Media Push converter publishing into the relay's
/// ingest endpoint (or, direct, straight to its platform) for the relay's life, receives
/// Agora's webhooks (NCS) that start and stop those relays, and counts each channel's
/// audience.
public enum AgoraCompanionPlugin: CompanionPlugin {
    public static let section = "agora"
    public typealias Settings = AgoraSettings

    public static func decodeSettings(_ reader: inout MappingReader) -> AgoraSettings? { AgoraSettings.decode(&reader) }

    public static func makeCompanion(settings: AgoraSettings, context: CompanionContext) throws -> any RelayCompanion {
        if settings.notificationSecret == nil {
            context.logger.warning("agora.ncs_secret is not set: Agora webhooks will be refused (401)")
        }
        context.logger.info("agora: Media Push in region \(settings.region) via \(settings.apiURL)")
        // The process-wide client needs no shutdown: a gateway that stops before its
        // companions run (the API could not start) leaves nothing open.
        return AgoraCompanion(account: settings, http: .shared, context: context)
    }
}

final class AgoraCompanion: RelayCompanion {
    struct Attached {
        var channel: String
        var sellerUID: UInt32
        var lifecycle: ConverterLifecycle
        var cell: CompanionStatusCell
    }

    struct State {
        var attached: [String: Attached] = [:]
        /// Per channel: a seller left; the relay stops when this fires (unless they return).
        var lossTimers: [String: Task<Void, Never>] = [:]
        var sequencer = NotificationSequencer()
    }

    let account: AgoraSettings
    let client: MediaPushClient
    let http: HTTPClient
    let logger: Logger
    /// Who starts and stops relays for webhook events; nil while the gateway starts.
    let director: DirectorLink
    let state = Mutex(State())

    init(account: AgoraSettings, http: HTTPClient, context: CompanionContext) {
        self.account = account
        self.http = http
        self.client = MediaPushClient(account: account, http: http)
        self.logger = context.logger
        self.director = context.director
    }

    var restRetry: RESTRetry { RESTRetry(retries: account.restRetries, step: account.restBackoff) }

    /// Builds the relay's converter plan (a relay it cannot serve fails now, with why) and
    /// starts its converter lifecycle; returns at once: creating the converter goes on in the
    /// background and is reported through `events`.
    func prepare(_ relay: CompanionRelay, events: any CompanionEvents) async throws -> StageGrant {
        let plan: ConverterPlan
        let options: AgoraSourceOptions
        do {
            options = try JSONDecoder().decode(AgoraSourceOptions.self, from: Data(relay.spec.source.options.utf8))
            plan = try ConverterPlan(relay: relay, options: options)
        } catch {
            let reason = "agora media push: \(error)"
            logger.error("\(reason)", metadata: ["relay": "\(relay.id)"])
            throw RelayError(.configuration, reason)
        }
        var relayLogger = logger
        relayLogger[metadataKey: "relay"] = "\(relay.id)"
        let cell = CompanionStatusCell(CompanionStatus(kind: "agora-media-push", state: "creating", mode: plan.mode.rawValue))
        let channel = relay.spec.channel
        let lifecycle = ConverterLifecycle(
            relayID: relay.id, plan: plan, attempts: options.attempts, client: client, retry: restRetry,
            pollInterval: account.pollInterval, events: events, cell: cell, logger: relayLogger,
            onSellerGone: { [weak self] in await self?.sellerLost(channel: channel, uid: plan.sellerUID, why: "converter idle timeout") })
        state.withLock { $0.attached[relay.id] = Attached(channel: channel, sellerUID: plan.sellerUID, lifecycle: lifecycle, cell: cell) }
        relayLogger.info("agora relay attached: creating its converter (\(plan.mode.rawValue))")
        await lifecycle.start()
        return .none
    }

    /// The relay's life is over: its converter is deleted (retrying as Agora advises).
    func cleanup(_ relay: CompanionRelay) async {
        guard let attached = state.withLock({ $0.attached.removeValue(forKey: relay.id) }) else { return }
        await attached.lifecycle.stop()
    }

    func status(_ relay: CompanionRelay) -> CompanionStatus? {
        state.withLock { $0.attached[relay.id]?.cell }?.status
    }

    /// After boot reconciliation: converters of relaygate's that no running relay owns are
    /// deleted, then the audience of each agora relay's channel is counted periodically.
    func run(relays: Set<String>) async {
        await deleteOrphanConverters(keeping: relays)
        await countViewersPeriodically()
    }

    func shutdown() async {
        state.withLock { state in state.lossTimers.values.forEach { $0.cancel() } }
        guard http !== HTTPClient.shared else { return }
        do {
            try await http.shutdown()
        } catch {
            logger.debug("agora HTTP client shutdown: \(error)")
        }
    }
}
