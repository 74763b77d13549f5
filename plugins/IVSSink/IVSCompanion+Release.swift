import AWSIVS
import Logging
import RelayCore

/// Nothing left behind: a relay's channel is stopped and deleted (or kept, per `on_end`)
/// when its life ends, and what a gateway that died could not delete is deleted at the next
/// boot.
extension IVSCompanion {
    /// StopStream, then (policy delete) DeleteChannel, which IVS refuses while the stream is
    /// still live (ConflictException), so that one is retried too. A delete that fails
    /// leaves the ledger entry, so the next boot retries it.
    func release(_ arn: String, options: Options, relay: String, platform: String) async {
        var logger = logger
        logger[metadataKey: "relay"] = "\(relay)"
        logger[metadataKey: "output"] = "\(platform)"
        let retry = PlatformCallRetry(backoff: .milliseconds(500), maxBackoff: .seconds(5), giveUpAfter: .seconds(60))
        do {
            let client = try client(options, platform: platform)
            do {
                _ = try await retry.run("StopStream", events: nil, verdict: Self.verdict) {
                    try await client.stopStream(channelArn: arn)
                }
            } catch let error as IVSError where error.kind == .notFound {
                try? await ledger.forget(companion: IVSCompanionPlugin.section, id: arn)
                logger.info("ivs: channel \(arn) was already gone")
                return
            }
            if options.onEnd == .keep {
                try? await ledger.forget(companion: IVSCompanionPlugin.section, id: arn)
                logger.info("ivs: stopped and kept channel \(arn) (on_end: keep)")
                return
            }
            do {
                try await retry.run("DeleteChannel", events: nil, verdict: { error in
                    if let error = error as? IVSError, error.kind == .conflict { return .retry(asked: nil) }
                    return Self.verdict(error)
                }) { try await client.deleteChannel(arn: arn) }
                logger.info("ivs: deleted channel \(arn)")
            } catch let error as IVSError where error.kind == .notFound {
                logger.info("ivs: channel \(arn) was already gone")
            }
            try? await ledger.forget(companion: IVSCompanionPlugin.section, id: arn)
        } catch {
            logger.error("ivs: channel \(arn) could not be released (the next start retries): \(error)")
        }
    }

    /// After boot reconciliation: channels in the ledger, or tagged by relaygate at accounts
    /// whose platforms all delete, whose relay does not run are deleted.
    func deleteOrphans(keeping relays: Set<String>) async {
        do {
            for (resource, options) in try await outputs.orphans(in: ledger, companion: IVSCompanionPlugin.section, keeping: relays) {
                guard let options, let platform = resource.platform else {
                    let platform = resource.platform ?? "?"
                    logger.warning(
                        "ivs: channel \(resource.id) of relay \(resource.relayID) belongs to platform \"\(platform)\", which the config no longer has: it cannot be deleted")
                    continue
                }
                logger.notice("ivs: channel \(resource.id) of relay \(resource.relayID) outlived its relay")
                await release(resource.id, options: options, relay: resource.relayID, platform: platform)
            }
        } catch {
            logger.error("ivs: cannot read the ledger to delete orphan channels: \(error)")
        }
        await sweepTagged(outputs.platforms, keeping: relays)
    }

    private func sweepTagged(_ platforms: [String: Options], keeping relays: Set<String>) async {
        let byAccount = Dictionary(grouping: platforms, by: \.value.account)
        for (_, members) in byAccount where members.allSatisfy({ $0.value.onEnd == .delete && $0.value.channelARN == nil }) {
            guard let (name, options) = members.first, let client = try? client(options, platform: name) else { continue }
            do {
                for channel in try await client.channels(taggedWith: Self.channelTag) {
                    let tags = channel.tags ?? [:]
                    guard let route = tags[Self.routeTag], let seller = tags[Self.channelTag] else { continue }
                    let relay = "\(route)/\(seller)"
                    guard !relays.contains(relay), !outputs.isServing(relay: relay, resource: channel.arn) else { continue }
                    logger.notice("ivs: channel \(channel.arn) is tagged by relaygate and no relay owns it")
                    await release(channel.arn, options: options, relay: relay, platform: tags[Self.platformTag] ?? name)
                }
            } catch {
                logger.error("ivs: cannot sweep orphan channels: \(error)")
            }
        }
    }
}
