import Logging
public import RelayCore

/// A reload that changed only a running relay's outputs (see `ReloadPlan.Change
/// .updateOutputs`) is carried out in place: the run keeps its source, its transcoder and
/// its other outputs' sessions; only the outputs added or removed are touched, with their
/// companions prepared or cleaned up within the relay's current life.
extension RelaySupervisor {
    /// Returns false when the relay cannot be changed in place (not running now, or its run
    /// cannot take it): the caller then restarts it with `replace`.
    public func updateOutputs(_ key: RelayKey, to spec: RelaySpec, origin: RelayOrigin) async -> Bool {
        guard let relay = relays[key], relay.replacement == nil, relay.isLive, case .running = relay.lifecycle.state,
            relay.run != nil, RelayKey(spec) == key
        else { return false }
        let life = relay.life
        let removed = relay.spec.outputs.filter { !spec.outputs.contains($0) }
        let added = spec.outputs.filter { !relay.spec.outputs.contains($0) }
        let leaving = relay.companions.filter { binding in
            guard case .output(let name) = binding.relay.stage else { return false }
            return removed.contains { $0.name == name }
        }
        relays[key]?.companions.removeAll { binding in leaving.contains { $0.relay.stage == binding.relay.stage } }
        relays[key]?.spec = spec
        for output in removed { relays[key]?.grants.outputs[output.name] = nil }

        let ingestURL = relay.ingest.flatMap { registration in ingest.map { $0.publicURL + registration.publishPath } }
        for output in added {
            guard let section = registry.companionSection(for: output.sink), let companion = companions[section] else { continue }
            let binding = CompanionBinding(
                relay: CompanionRelay(
                    id: key.description, spec: spec, stage: .output(output.name), sellerUID: relay.sellerUID, ingestURL: ingestURL),
                companion: companion)
            relays[key]?.companions.append(binding)
            let grant: StageGrant
            do {
                let events = CompanionEventsLink(supervisor: self, key: key, life: life, stage: binding.relay.stage)
                grant = try await companion.prepare(binding.relay, events: events)
            } catch {
                // The relay runs on: only this output cannot.
                grant = .refused((error as? RelayError)?.message ?? "output \(output.name): \(error)")
            }
            guard relays[key]?.life == life else {
                cleanUp(key, bindings: leaving)
                return true
            }
            // A pending grant may have been granted already, while prepare returned.
            guard !grant.isPending || relays[key]?.grants.outputs[output.name] == nil else { continue }
            relays[key]?.grants.outputs[output.name] = grant.values
            if output.name == spec.outputs.first?.name { relays[key]?.grantedPlaybackURL = grant.playbackURL }
        }
        if origin != relay.origin { adopt(key, origin: origin) }
        // Released once the run has been told: nothing is deleted while it may still push.
        defer { cleanUp(key, bindings: leaving) }
        guard let current = relays[key], current.life == life else { return true }
        let addedNames = added.map(\.name).joined(separator: ", ")
        let removedNames = removed.map(\.name).joined(separator: ", ")
        logger.info("relay outputs changed in place", metadata: meta(key, ["added": "\(addedNames)", "removed": "\(removedNames)"]))
        journal.upstream(spec, reason: "outputs changed by reload", detail: "added: \(addedNames); removed: \(removedNames)")
        // A run that cannot take it gets its new spec at its next start (a restart follows).
        if current.run?.handle.update(outputs: spec.outputs, grants: current.grants.outputs) != true {
            await replace(key, with: spec, origin: origin)
        }
        return true
    }
}
