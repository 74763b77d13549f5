import AsyncHTTPClient
import CloudflareStream
import Foundation
import Logging
public import RelayCore

/// The companion of sink `cloudflare`. Its accounts are its platforms' own settings, so it
/// needs no section of its own in relaygate.yaml.
public enum CloudflareCompanionPlugin: CompanionPlugin {
    public static let section = "cloudflare"
    public static var needsSection: Bool { false }

    public struct Settings: PluginOptions {
        public init() {}
    }

    public static func decodeSettings(_ reader: inout MappingReader) -> Settings? { Settings() }

    public static func makeCompanion(settings: Settings, context: CompanionContext) throws -> any RelayCompanion {
        CloudflareCompanion(context: context, http: .shared)
    }
}

/// Gives each cloudflare output of a relay its own live input for the relay's life (see
/// `RelayCompanion`): made (or adopted after a crash) in `prepare`, watched while the relay
/// runs, deleted or kept per `on_end` in `cleanup`; what a dead gateway left is deleted in
/// `run`. Live input notifications arrive at /v1/webhooks/cloudflare.
final class CloudflareCompanion: RelayCompanion {
    typealias Options = CloudflareSinkPlugin.Options
    typealias Key = PlatformOutputs<Options>.Key

    static let kind = "cloudflare-live-input"
    static let platformKey = "relaygate_platform"

    /// AsyncHTTPClient's process-wide client: it needs no shutdown, so a gateway that stops
    /// before its companions run (or never uses this one) leaves nothing open.
    let http: HTTPClient
    let logger: Logger
    let ledger: any ResourceLedger
    let persistentLedger: Bool
    let outputs = PlatformOutputs<Options>()

    init(context: CompanionContext, http: HTTPClient) {
        self.http = http
        logger = context.logger
        ledger = context.ledger
        persistentLedger = !(context.ledger is MemoryLedger)
    }

    func client(_ options: Options) throws -> CloudflareStreamClient {
        CloudflareStreamClient(settings: try options.streamSettings(), http: http, logger: logger)
    }

    func retry(_ options: Options) -> PlatformCallRetry { PlatformCallRetry(giveUpAfter: .milliseconds(options.apiGiveUpAfterMs)) }

    /// Retries what Cloudflare says may pass (429 as long as it asks, 5xx, no answer).
    static func verdict(_ error: any Error) -> PlatformCallRetry.Verdict {
        guard let error = error as? CloudflareStreamError, error.isRetryable else { return .fail }
        return .retry(asked: error.retryAfter)
    }

    func prepare(_ relay: CompanionRelay, events: any CompanionEvents) async throws -> StageGrant {
        guard let (key, options) = try PlatformOutputs<Options>.output(of: relay) else { return .none }
        let cell = outputs.attach(key, options: options, fixed: options.liveInput != nil, kind: Self.kind, events: events)
        return outputs.provision(key, what: "creating a Cloudflare live input") { [self] in
            await grant(relay, key: key, options: options, cell: cell, events: events)
        }
    }

    /// Makes (or adopts) the output's live input: its push URL and playback URL, or a
    /// refusal that fails the output saying why.
    private func grant(
        _ relay: CompanionRelay, key: Key, options: Options, cell: CompanionStatusCell, events: any CompanionEvents
    ) async -> StageGrant {
        var relayLogger = logger
        relayLogger[metadataKey: "relay"] = "\(relay.id)"
        relayLogger[metadataKey: "output"] = "\(key.platform)"
        do {
            let client = try client(options)
            let input = try await provision(relay, key: key, options: options, client: client, events: events, logger: relayLogger)
            guard let rtmps = input.rtmps else {
                throw CloudflareStreamError(kind: .malformed, operation: "get live input", detail: "the answer has no rtmps ingest")
            }
            cell.update {
                $0.id = input.uid
                $0.state = Self.stateText(input.status)
            }
            outputs.watch(key, every: .milliseconds(options.viewersIntervalMs)) { [weak self] in
                await self?.look(uid: input.uid, client: client)
            }
            return StageGrant(values: ["url": rtmps.publishURL.revealed()], playbackURL: client.playbackURL(of: input.uid))
        } catch {
            // The output's runner puts its name in front; the log line has it as metadata.
            let reason = "\(error)"
            if Task.isCancelled {
                relayLogger.info("the relay ended before its cloudflare live input was ready")
            } else {
                relayLogger.error("cloudflare live input failed: \(reason)")
            }
            cell.update {
                $0.state = "failed"
                $0.lastError = reason
            }
            return .refused(reason)
        }
    }

    func cleanup(_ relay: CompanionRelay) async {
        guard case .output(let platform) = relay.stage else { return }
        let key = Key(relay: relay.id, platform: platform)
        await outputs.stopProvisioning(key)
        guard let output = outputs.detach(key), let uid = output.resource, !output.fixed else { return }
        await release(uid, options: output.options, relay: relay.id, platform: platform)
    }

    func status(_ relay: CompanionRelay) -> CompanionStatus? { outputs.status(relay) }

    func configure(platforms: [String: PluginConfig]) async {
        if outputs.configure(platforms), !persistentLedger { await findAdoptable(outputs.platforms) }
    }

    func run(relays: Set<String>) async {
        await deleteOrphans(keeping: relays)
    }

    func shutdown() async {
        outputs.stopWatching()
    }

    /// The API's status as the output's platform state.
    static func stateText(_ status: LiveInputStatus?) -> String {
        switch status {
        case nil: "ready"
        case .connected, .reconnected: "connected"
        case .reconnecting: "reconnecting"
        case .clientDisconnect, .disconnected: "disconnected"
        case .ttlExceeded: "ttl exceeded"
        case .failedToConnect: "failed to connect"
        case .failedToReconnect: "failed to reconnect"
        case .newConfigurationAccepted: "ready"
        case .other(let text): text
        }
    }
}
