import CloudflareStream
import Logging
import RelayCore

/// Nothing left behind: a relay's input is deleted (or kept, per `on_end`) when its life
/// ends, and what a gateway that died could not delete is deleted at the next boot.
extension CloudflareCompanion {
    /// Deletes (or keeps) the input of a relay whose life is over, and forgets it in the
    /// ledger. A delete that fails leaves the ledger entry, so the next boot retries it.
    func release(_ uid: String, options: Options, relay: String, platform: String) async {
        var logger = logger
        logger[metadataKey: "relay"] = "\(relay)"
        logger[metadataKey: "output"] = "\(platform)"
        if options.onEnd == .keep {
            try? await ledger.forget(companion: CloudflareCompanionPlugin.section, id: uid)
            logger.info("cloudflare: kept live input \(uid) (on_end: keep)")
            return
        }
        do {
            let client = try client(options)
            let outcome = try await PlatformCallRetry(giveUpAfter: .seconds(60)).run(
                "delete live input", events: nil, verdict: Self.verdict
            ) { try await client.deleteLiveInput(uid) }
            try? await ledger.forget(companion: CloudflareCompanionPlugin.section, id: uid)
            logger.info("cloudflare: deleted live input \(uid)\(outcome == .alreadyGone ? " (it was already gone)" : "")")
        } catch {
            logger.error("cloudflare: live input \(uid) could not be deleted (the next start retries): \(error)")
        }
    }

    /// After boot reconciliation: inputs in the ledger, or tagged by relaygate at an account
    /// whose platforms all delete, whose relay does not run are deleted. `relays`: the
    /// relays running now.
    func deleteOrphans(keeping relays: Set<String>) async {
        do {
            for (resource, options) in try await outputs.orphans(in: ledger, companion: CloudflareCompanionPlugin.section, keeping: relays) {
                guard let options, let platform = resource.platform else {
                    let platform = resource.platform ?? "?"
                    logger.warning(
                        "cloudflare: live input \(resource.id) of relay \(resource.relayID) belongs to platform \"\(platform)\", which the config no longer has: it cannot be deleted")
                    continue
                }
                logger.notice("cloudflare: live input \(resource.id) of relay \(resource.relayID) outlived its relay")
                await release(resource.id, options: options, relay: resource.relayID, platform: platform)
            }
        } catch {
            logger.error("cloudflare: cannot read the ledger to delete orphan live inputs: \(error)")
        }
        await sweepTagged(outputs.platforms, keeping: relays)
    }

    /// Inputs that carry relaygate's meta (a create whose answer was lost, a crash before the
    /// ledger write) at accounts where every platform deletes its inputs.
    private func sweepTagged(_ platforms: [String: Options], keeping relays: Set<String>) async {
        let byAccount = Dictionary(grouping: platforms.values, by: \.account)
        for (_, options) in byAccount where options.allSatisfy({ $0.onEnd == .delete && $0.liveInput == nil }) {
            guard let first = options.first, let client = try? client(first) else { continue }
            do {
                let deleted = try await client.deleteOrphans { input in
                    guard let tag = input.relayTag else { return false }
                    let relay = "\(tag.route)/\(tag.channel)"
                    return !relays.contains(relay) && !outputs.isServing(relay: relay, resource: input.uid)
                }
                for uid in deleted {
                    try? await ledger.forget(companion: CloudflareCompanionPlugin.section, id: uid)
                    logger.notice("cloudflare: deleted live input \(uid): tagged by relaygate, no relay owns it")
                }
            } catch {
                logger.error("cloudflare: cannot sweep orphan live inputs: \(error)")
            }
        }
    }
}
