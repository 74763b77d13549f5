import Foundation
import AWSIVS
import Logging
import RelayCore

/// Where a relay's channel comes from: the config (`channel_arn`), a previous gateway's
/// ledger or tags (adopted after a crash: the same channel, no duplicate), or CreateChannel.
extension IVSCompanion {
    func provision(
        _ relay: CompanionRelay, key: Key, options: Options, client: IVSClient, events: any CompanionEvents, logger: Logger
    ) async throws -> (IVSChannel, IVSStreamKeyValue) {
        let retry = retry(options)
        if let fixed = options.channelARN {
            if let holder = outputs.holder(of: fixed, except: key) {
                throw RelayError(.configuration, "channel \(fixed) of platform \"\(key.platform)\" is in use by relay \(holder)")
            }
            let found = try await existing(fixed, client: client, retry: retry, events: events, createKey: true)
            guard let found else { throw RelayError(.configuration, "channel_arn \(fixed) of platform \"\(key.platform)\" does not exist") }
            outputs.setResource(key, fixed)
            logger.info("ivs: pushing to the configured channel \(fixed)")
            return found
        }
        for arn in await candidates(relay, key: key) {
            guard let found = try await existing(arn, client: client, retry: retry, events: events, createKey: true) else {
                try? await ledger.forget(companion: IVSCompanionPlugin.section, id: arn)
                continue
            }
            outputs.setResource(key, arn)
            try? await ledger.record(resource(arn, relay: relay, platform: key.platform))
            logger.notice("ivs: adopted channel \(arn) left by an earlier run of this relay")
            await events.note("platform resource adopted", detail: "ivs channel \(arn) of output \(key.platform)")
            return found
        }
        let tags = [Self.routeTag: relay.spec.route, Self.channelTag: relay.spec.channel, Self.platformTag: key.platform]
        let spec = IVSChannelSpec(
            name: Self.channelName(route: relay.spec.route, channel: relay.spec.channel),
            latencyMode: IVSLatencyMode(rawValue: options.latencyMode), type: IVSChannelType(rawValue: options.channelType),
            tags: tags)
        var retried = false
        let created = try await retry.run("CreateChannel", events: events, verdict: { error in
            let verdict = Self.verdict(error)
            if case .retry = verdict { retried = true }
            return verdict
        }) { try await client.createChannel(spec) }
        outputs.setResource(key, created.channel.arn)
        // A create that failed with a 5xx or no answer may have made a channel all the same.
        if retried { await deleteDuplicates(of: created.channel.arn, tags: tags, client: client) }
        do {
            try await ledger.record(resource(created.channel.arn, relay: relay, platform: key.platform))
        } catch {
            logger.error("ivs: channel \(created.channel.arn) not recorded in the ledger: \(error)")
        }
        logger.info("ivs: created channel \(created.channel.arn)")
        await events.note("platform resource created", detail: "ivs channel \(created.channel.arn) of output \(key.platform)")
        return (created.channel, created.streamKey.value)
    }

    private func deleteDuplicates(of arn: String, tags: [String: String], client: IVSClient) async {
        do {
            let twins = try await client.channels(taggedWith: Self.channelTag, value: tags[Self.channelTag]).filter {
                $0.arn != arn && $0.tags?[Self.routeTag] == tags[Self.routeTag] && $0.tags?[Self.platformTag] == tags[Self.platformTag]
            }
            for twin in twins {
                try await client.deleteChannel(arn: twin.arn)
                logger.notice("ivs: deleted channel \(twin.arn), made twice by a retried CreateChannel")
            }
        } catch {
            logger.warning("ivs: cannot look for channels a retried CreateChannel made twice: \(error)")
        }
    }

    /// The channel and its stream key (made when it has none), or nil when it is gone.
    private func existing(
        _ arn: String, client: IVSClient, retry: PlatformCallRetry, events: any CompanionEvents, createKey: Bool
    ) async throws -> (IVSChannel, IVSStreamKeyValue)? {
        let channel: IVSChannel
        do {
            channel = try await retry.run("GetChannel", events: events, verdict: Self.verdict) { try await client.getChannel(arn: arn) }
        } catch let error as IVSError where error.kind == .notFound {
            return nil
        }
        let keys = try await retry.run("ListStreamKeys", events: events, verdict: Self.verdict) {
            try await client.listStreamKeys(channelArn: arn)
        }
        if let first = keys.first {
            let key = try await retry.run("GetStreamKey", events: events, verdict: Self.verdict) {
                try await client.getStreamKey(arn: first.arn)
            }
            return (channel, key.value)
        }
        let key = try await retry.run("CreateStreamKey", events: events, verdict: Self.verdict) {
            try await client.createStreamKey(channelArn: arn)
        }
        return (channel, key.value)
    }

    /// Channels an earlier run of this relay made: the ledger's, then one found by tags at boot.
    private func candidates(_ relay: CompanionRelay, key: Key) async -> [String] {
        var arns: [String] = []
        do {
            let recorded = try await ledger.resources(of: IVSCompanionPlugin.section)
            arns = recorded.filter { $0.platform == key.platform && $0.relayID == relay.id }.reversed().map(\.id)
        } catch {
            logger.error("ivs: cannot read the ledger to adopt channels: \(error)")
        }
        if let listed = outputs.takeOffer(for: key), !arns.contains(listed) { arns.append(listed) }
        return arns
    }

    private func resource(_ arn: String, relay: CompanionRelay, platform: String) -> ProvisionedResource {
        ProvisionedResource(
            companion: IVSCompanionPlugin.section, platform: platform, kind: Self.kind, id: arn, route: relay.spec.route,
            channel: relay.spec.channel)
    }

    /// `relaygate-<route>-<channel>` in the characters IVS allows, at most 128.
    static func channelName(route: String, channel: String) -> String {
        let name = "relaygate-\(route)-\(channel)".unicodeScalars.map { scalar -> Character in
            let allowed = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
            return allowed ? Character(scalar) : "-"
        }
        return String(String(name).prefix(128))
    }

    /// Without a persistent ledger, what a crashed gateway made is found by its tags, once at
    /// boot, for resumed relays to adopt.
    func findAdoptable(_ platforms: [String: Options]) async {
        let accounts = Dictionary(platforms.map { ($0.value.account, $0) }) { first, _ in first }
        for (name, options) in accounts.values {
            do {
                for channel in try await client(options, platform: name).channels(taggedWith: Self.channelTag) {
                    let tags = channel.tags ?? [:]
                    guard let route = tags[Self.routeTag], let seller = tags[Self.channelTag], let platform = tags[Self.platformTag]
                    else { continue }
                    outputs.offer(channel.arn, for: Key(relay: "\(route)/\(seller)", platform: platform))
                }
            } catch {
                logger.warning("ivs: cannot list channels to adopt after a restart: \(error)")
            }
        }
    }
}
