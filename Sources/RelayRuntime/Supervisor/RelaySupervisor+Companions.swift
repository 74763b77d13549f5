import Foundation
import Logging
import RelayCore

/// Plugin companions' hooks (see `RelayCompanion`): prepared at the start of each relay life,
/// told nothing while it runs (they report through `CompanionEvents`), cleaned up once when
/// the life is over.
extension RelaySupervisor {
    /// The companion of each stage of `relay`'s spec that has one.
    func companionBindings(_ relay: Relay) -> [CompanionBinding] {
        let ingestURL = relay.ingest.flatMap { registration in ingest.map { $0.publicURL + registration.publishPath } }
        let stages = [(CompanionRelay.Stage.source, relay.spec.source)] + relay.spec.outputs.map { (.output($0.name), $0.sink) }
        return stages.compactMap { stage, config in
            guard let section = registry.companionSection(for: config), let companion = companions[section] else { return nil }
            return CompanionBinding(
                relay: CompanionRelay(
                    id: relay.key.description, spec: relay.spec, stage: stage, sellerUID: relay.sellerUID, ingestURL: ingestURL),
                companion: companion)
        }
    }

    /// A life begins: after the previous life's cleanup, each companion prepares its stage;
    /// then the lifecycle hears `prepared` or, at the first that throws, `prepareFailed`.
    func prepare(_ key: RelayKey) async {
        if let previous = cleanups[key] { await previous.value }
        guard var relay = relays[key] else { return }
        relay.life += 1
        relay.companions = []
        relay.grants = StageGrants()
        relay.grantedPlaybackURL = nil
        relays[key] = relay
        let life = relay.life
        var failure: String?
        for binding in companionBindings(relay) {
            // Stopped meanwhile: the rest need not be made only to be released.
            guard relays[key]?.life == life, case .preparing = relays[key]?.lifecycle.state else { break }
            // Recorded before it runs: a prepare that throws may have made something to release.
            relays[key]?.companions.append(binding)
            do {
                let events = CompanionEventsLink(supervisor: self, key: key, life: life, stage: binding.relay.stage)
                let grant = try await binding.companion.prepare(binding.relay, events: events)
                guard relays[key]?.life == life else { return }
                switch binding.relay.stage {
                case .source: relays[key]?.grants.source = grant.values
                case .output(let name):
                    // A pending grant may have been granted already, while prepare returned.
                    guard !grant.isPending || relays[key]?.grants.outputs[name] == nil else { break }
                    relays[key]?.grants.outputs[name] = grant.values
                    if name == relay.spec.outputs.first?.name { relays[key]?.grantedPlaybackURL = grant.playbackURL }
                }
            } catch {
                failure = (error as? RelayError)?.message ?? "\(binding.relay.stage): \(error)"
                break
            }
        }
        guard relays[key]?.life == life else { return }
        if let failure {
            await handle(key) { $0.prepareFailed(failure) }
        } else {
            await handle(key) { $0.prepared() }
        }
    }

    /// The life is over: its companions release what they made, in the background (the next
    /// life of the relay, and shutdown, wait for it).
    func cleanUp(_ key: RelayKey) {
        guard let bindings = relays[key]?.companions, !bindings.isEmpty else { return }
        relays[key]?.companions = []
        cleanUp(key, bindings: bindings)
    }

    /// Releases `bindings` (the whole life's, or the outputs a reload removed) after any
    /// cleanup of the relay still under way.
    func cleanUp(_ key: RelayKey, bindings: [CompanionBinding]) {
        guard !bindings.isEmpty else { return }
        let previous = cleanups[key]
        let task = Task {
            await previous?.value
            for binding in bindings { await binding.companion.cleanup(binding.relay) }
        }
        cleanups[key] = task
        Task {
            await task.value
            self.forgetCleanup(key, task)
        }
    }

    private func forgetCleanup(_ key: RelayKey, _ task: Task<Void, Never>) {
        if cleanups[key] == task { cleanups[key] = nil }
    }

    /// Waits for every cleanup under way, at most `limit`.
    func awaitCleanups(upTo limit: Duration) async {
        let tasks = Array(cleanups.values)
        guard !tasks.isEmpty else { return }
        let first = FirstAnswer<Bool>()
        Task {
            for task in tasks { await task.value }
            first.answer(true)
        }
        let deadline = Task { [clock] in
            try await clock.sleep(until: clock.now.advanced(by: limit), tolerance: nil)
            first.answer(false)
        }
        let finished = await first.value
        deadline.cancel()
        if !finished {
            logger.error("relay companions did not finish cleaning up within \(DurationText.format(limit))")
        }
    }

    // MARK: - What companions report

    func companionNote(_ key: RelayKey, life: Int, reason: String, detail: String?) {
        guard let relay = relays[key], relay.life == life else { return }
        journal.upstream(relay.spec, reason: reason, detail: detail)
    }

    func companionFailed(_ key: RelayKey, life: Int, reason: String) async {
        guard relays[key]?.life == life else { return }
        let killAt = clock.now.advanced(by: settings.stopTimeout)
        await handle(key) { $0.fail(reason, killAt: killAt) }
    }

    /// An external relay's state, from its companion: recorded like a run's report.
    func companionState(_ key: RelayKey, life: Int, state: RelayState, reason: String?) async {
        guard let relay = relays[key], relay.life == life, relay.lifecycle.feed == .external,
            case .running = relay.lifecycle.state
        else { return }
        var stats = relay.stats ?? RelayStats(state: state)
        stats.state = state
        stats.lastError = state == .active ? nil : reason
        relays[key]?.stats = stats
        journal.observe(relay.spec, stats: stats, playback: playback(for: key), reason: reason)
        let now = clock.now
        await handle(key) { $0.externalState(state, now: now) }
    }

    /// Whether the relay's publisher is connected to its ingest endpoint; nil without one.
    /// A pending output's grant came (see `StageGrant.pending`): the run starts the output.
    func companionGranted(_ key: RelayKey, life: Int, stage: CompanionRelay.Stage, grant: StageGrant) {
        guard let relay = relays[key], relay.life == life, case .output(let name) = stage,
            relay.spec.outputs.contains(where: { $0.name == name })
        else { return }
        relays[key]?.grants.outputs[name] = grant.values
        if name == relay.spec.outputs.first?.name, let url = grant.playbackURL {
            relays[key]?.grantedPlaybackURL = url
            journal.playbackKnown(relay.spec, url: url, platform: playback(for: key).platform)
        }
        guard let current = relays[key], let run = current.run else { return }
        // A run that cannot take it gets the grant at its next start.
        _ = run.handle.update(outputs: current.spec.outputs, grants: current.grants.outputs)
    }

    func isPublishing(_ key: RelayKey) -> Bool? {
        guard let registration = relays[key]?.ingest, let status = ingest?.status(relay: registration.relay) else {
            return nil
        }
        return status.publisher != nil
    }

    /// Ids of the relays that use companion `section` now (for its `run`).
    public func relayIDs(usingCompanion section: String) -> Set<String> {
        Set(relays.values.filter { relay in
            let stages = [relay.spec.source] + relay.spec.outputs.map(\.sink)
            return relay.isLive && stages.contains { registry.companionSection(for: $0) == section }
        }.map(\.key.description))
    }
}

/// A companion's line back to the supervisor, bound to one relay life.
struct CompanionEventsLink<C: Clock>: CompanionEvents where C.Duration == Duration {
    let supervisor: RelaySupervisor<C>
    let key: RelayKey
    let life: Int
    let stage: CompanionRelay.Stage

    func note(_ reason: String, detail: String?) async {
        await supervisor.companionNote(key, life: life, reason: reason, detail: detail)
    }

    func fail(_ reason: String) async { await supervisor.companionFailed(key, life: life, reason: reason) }

    func state(_ state: RelayState, reason: String?) async {
        await supervisor.companionState(key, life: life, state: state, reason: reason)
    }

    func isPublishing() async -> Bool? { await supervisor.isPublishing(key) }

    func granted(_ grant: StageGrant) async {
        await supervisor.companionGranted(key, life: life, stage: stage, grant: grant)
    }
}
