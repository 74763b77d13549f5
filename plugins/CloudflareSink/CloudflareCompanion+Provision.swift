import CloudflareStream
import Foundation
import Logging
import RelayCore

/// Where a relay's live input comes from: the config (`live_input`), a previous gateway's
/// ledger or listing (adopted after a crash: the same input, no duplicate), or a new one.
extension CloudflareCompanion {
    func provision(
        _ relay: CompanionRelay, key: Key, options: Options, client: CloudflareStreamClient, events: any CompanionEvents,
        logger: Logger
    ) async throws -> LiveInput {
        let retry = retry(options)
        if let fixed = options.liveInput {
            if let holder = outputs.holder(of: fixed, except: key) {
                throw RelayError(.configuration, "live input \(fixed) of platform \"\(key.platform)\" is in use by relay \(holder)")
            }
            let input = try await retry.run("get live input", events: events, verdict: Self.verdict) {
                try await client.liveInput(fixed)
            }
            outputs.setResource(key, input.uid)
            logger.info("cloudflare: pushing to the configured live input \(input.uid)")
            return input
        }
        if let adopted = try await adopt(relay, key: key, client: client, retry: retry, events: events) {
            outputs.setResource(key, adopted.uid)
            logger.notice("cloudflare: adopted live input \(adopted.uid) left by an earlier run of this relay")
            await events.note("platform resource adopted", detail: "cloudflare live input \(adopted.uid) of output \(key.platform)")
            return adopted
        }
        var meta = RelayTag(channel: relay.spec.channel, route: relay.spec.route).meta
        meta[Self.platformKey] = key.platform
        let request = LiveInputRequest(
            meta: meta, timeoutSeconds: Int(relay.spec.reconnectWindowMs / 1000),
            deleteRecordingAfterDays: options.deleteRecordingAfterDays)
        let input = try await retry.run("create live input", events: events, verdict: Self.verdict) {
            try await client.createLiveInput(request)
        }
        outputs.setResource(key, input.uid)
        do {
            try await ledger.record(
                ProvisionedResource(
                    companion: CloudflareCompanionPlugin.section, platform: key.platform, kind: Self.kind, id: input.uid,
                    route: relay.spec.route, channel: relay.spec.channel))
        } catch {
            // The meta still finds it after a crash; only the ledger's shortcut is lost.
            logger.error("cloudflare: live input \(input.uid) not recorded in the ledger: \(error)")
        }
        logger.info("cloudflare: created live input \(input.uid)")
        await events.note("platform resource created", detail: "cloudflare live input \(input.uid) of output \(key.platform)")
        return input
    }

    /// The input an earlier run of this relay made, if it still exists.
    private func adopt(
        _ relay: CompanionRelay, key: Key, client: CloudflareStreamClient, retry: PlatformCallRetry, events: any CompanionEvents
    ) async throws -> LiveInput? {
        var candidates: [String] = []
        do {
            let recorded = try await ledger.resources(of: CloudflareCompanionPlugin.section)
            candidates = recorded.filter { $0.platform == key.platform && $0.relayID == relay.id }.reversed().map(\.id)
        } catch {
            logger.error("cloudflare: cannot read the ledger to adopt live inputs: \(error)")
        }
        if let listed = outputs.takeOffer(for: key), !candidates.contains(listed) {
            candidates.append(listed)
        }
        for uid in candidates {
            do {
                let input = try await retry.run("get live input", events: events, verdict: Self.verdict) {
                    try await client.liveInput(uid)
                }
                // Recording again is harmless, and keeps one found by listing.
                try? await ledger.record(
                    ProvisionedResource(
                        companion: CloudflareCompanionPlugin.section, platform: key.platform, kind: Self.kind, id: uid,
                        route: relay.spec.route, channel: relay.spec.channel))
                return input
            } catch let error as CloudflareStreamError where error.kind == .notFound {
                try? await ledger.forget(companion: CloudflareCompanionPlugin.section, id: uid)
            }
        }
        return nil
    }

    /// Without a persistent ledger, what a crashed gateway made is found by its meta, once at
    /// boot (one list call per account), for resumed relays to adopt.
    func findAdoptable(_ platforms: [String: Options]) async {
        let accounts = Dictionary(platforms.map { ($0.value.account, $0.value) }) { first, _ in first }
        for options in accounts.values {
            do {
                let listing = try await client(options).listLiveInputs()
                for input in listing.liveInputs {
                    guard let tag = input.relayTag, let platform = input.meta[Self.platformKey] else { continue }
                    let key = Key(relay: "\(tag.route)/\(tag.channel)", platform: platform)
                    outputs.offer(input.uid, for: key)
                }
            } catch {
                logger.warning("cloudflare: cannot list live inputs to adopt after a restart: \(error)")
            }
        }
    }
}
