import AsyncHTTPClient
import AWSIVS
import Foundation
import Logging
public import RelayCore

/// The companion of sink `ivs`. Its accounts are its platforms' own settings, so it needs
/// no section of its own in relaygate.yaml.
public enum IVSCompanionPlugin: CompanionPlugin {
    public static let section = "ivs"
    public static var needsSection: Bool { false }

    public struct Settings: PluginOptions {
        public init() {}
    }

    public static func decodeSettings(_ reader: inout MappingReader) -> Settings? { Settings() }

    public static func makeCompanion(settings: Settings, context: CompanionContext) throws -> any RelayCompanion {
        IVSCompanion(context: context, http: .shared)
    }
}

/// Gives each ivs output of a relay its own channel for the relay's life (see
/// `RelayCompanion`): created (or adopted after a crash) in `prepare`, its stream watched
/// with GetStream while the relay runs, stopped and deleted (or kept) per `on_end` in
/// `cleanup`; what a dead gateway left is deleted in `run`.
final class IVSCompanion: RelayCompanion {
    typealias Options = IVSSinkPlugin.Options
    typealias Key = PlatformOutputs<Options>.Key

    static let kind = "ivs-channel"
    static let routeTag = "relaygate_route"
    static let channelTag = "relaygate_channel"
    static let platformTag = "relaygate_platform"

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

    func client(_ options: Options, platform: String) throws -> IVSClient {
        IVSClient(configuration: try options.configuration(platform: platform), httpClient: http)
    }

    func retry(_ options: Options) -> PlatformCallRetry { PlatformCallRetry(giveUpAfter: .milliseconds(options.apiGiveUpAfterMs)) }

    /// Throttling and 5xx (or no answer) pass; the rest (credentials above all) does not.
    static func verdict(_ error: any Error) -> PlatformCallRetry.Verdict {
        guard let error = error as? IVSError, error.kind == .retryable else { return .fail }
        return .retry(asked: nil)
    }

    func prepare(_ relay: CompanionRelay, events: any CompanionEvents) async throws -> StageGrant {
        guard let (key, options) = try PlatformOutputs<Options>.output(of: relay) else { return .none }
        let cell = outputs.attach(key, options: options, fixed: options.channelARN != nil, kind: Self.kind, events: events)
        return outputs.provision(key, what: "creating an IVS channel") { [self] in
            await grant(relay, key: key, options: options, cell: cell, events: events)
        }
    }

    /// Makes (or adopts) the output's channel: its push URL and playback URL, or a refusal
    /// that fails the output saying why.
    private func grant(
        _ relay: CompanionRelay, key: Key, options: Options, cell: CompanionStatusCell, events: any CompanionEvents
    ) async -> StageGrant {
        var relayLogger = logger
        relayLogger[metadataKey: "relay"] = "\(relay.id)"
        relayLogger[metadataKey: "output"] = "\(key.platform)"
        do {
            let client = try client(options, platform: key.platform)
            let (channel, streamKey) = try await provision(
                relay, key: key, options: options, client: client, events: events, logger: relayLogger)
            cell.update {
                $0.id = channel.arn
                $0.state = "ready"
            }
            outputs.watch(key, every: .milliseconds(options.viewersIntervalMs)) { [weak self] in
                await self?.look(arn: channel.arn, client: client)
            }
            return StageGrant(values: ["url": channel.ingest(streamKey: streamKey).url], playbackURL: channel.playbackUrl)
        } catch {
            // The output's runner puts its name in front; the log line has it as metadata.
            let reason = "\(error)"
            if Task.isCancelled {
                relayLogger.info("the relay ended before its ivs channel was ready")
            } else {
                relayLogger.error("ivs channel failed: \(reason)")
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
        guard let output = outputs.detach(key), let arn = output.resource, !output.fixed else { return }
        await release(arn, options: output.options, relay: relay.id, platform: platform)
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
}
