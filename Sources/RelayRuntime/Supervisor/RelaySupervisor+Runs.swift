import Foundation
import Logging
import RelayCore

/// What runs tell, one event at a time in each run's own order (see `RelayExecutor`).
extension RelaySupervisor {
    func deliver(_ event: RunEvent, key: RelayKey, generation: Int) async {
        switch event {
        case .ready:
            await handle(key) { $0.ready(generation: generation) }
        case .report(let stats):
            guard let relay = relays[key], relay.lifecycle.run?.generation == generation else { return }
            // Read first: an optional-chained assignment would hold the table while reading it.
            relays[key]?.droppedBefore = relay.stats?.outputs.reduce(0) { $0 + $1.dropped } ?? 0
            relays[key]?.stats = stats
            journal.observe(relay.spec, stats: stats, playback: playback(for: key))
            let now = clock.now
            await handle(key) { $0.reported(stats.state, generation: generation, now: now) }
        case .ended(let end):
            await handle(key) { $0.ended(end, generation: generation) }
        case .exited(let exit):
            if relays[key]?.run?.generation == generation { relays[key]?.run = nil }
            if relays[key]?.lifecycle.run?.generation == generation, relays[key]?.lifecycle.failure != nil {
                logger.info("failed relay's worker stopped", metadata: meta(key, ["worker": "\(exit)"]))
            }
            let now = clock.now
            let policy = settings.restartPolicy(route: key.route)
            await handle(key) { $0.exited(generation: generation, exit: exit, now: now, policy: policy) }
        }
    }

    /// Where buyers watch the relay: a companion's grant, else the platform's configured URL.
    func playback(for key: RelayKey) -> (url: String?, platform: String?) {
        guard let relay = relays[key] else { return (nil, nil) }
        let configured = playback(relay.spec)
        return (relay.grantedPlaybackURL ?? configured.url, configured.platform)
    }

    // MARK: - Ingest endpoints

    /// The ingest endpoint `spec`'s source asks for, claimed at the ingest server: nil when
    /// it reads by itself. `current` (the relay's endpoint so far) is kept when the new one
    /// equals it, and lends its key when the source still asks for a random one.
    func claimIngest(
        for spec: RelaySpec, keeping current: IngestRegistration?, preferredKey: String? = nil
    ) -> Result<IngestRegistration?, RelayError> {
        let relayID = RelayKey(spec).description
        guard let endpoint = registry.ingestEndpoint(for: spec.source) else {
            if let current { ingest?.unregister(relay: current.relay) }
            return .success(nil)
        }
        guard let ingest else {
            return .failure(RelayError(.configuration, "source \"\(spec.source.type)\" needs the RTMP ingest server, which is not running"))
        }
        let streamKey: String
        if let template = endpoint.key {
            let values = spec.values.merging(["channel": spec.channel, "route": spec.route]) { _, fixed in fixed }
            do {
                streamKey = try Template.expand(template, values: values)
            } catch {
                return .failure(RelayError(.configuration, "ingest key: \(error)"))
            }
        } else {
            streamKey = current?.key ?? preferredKey ?? StreamKey.random()
        }
        let registration = IngestRegistration(relay: relayID, app: endpoint.app, key: streamKey, takeover: endpoint.takeover)
        if registration == current { return .success(current) }
        if let current { ingest.unregister(relay: current.relay) }
        do {
            try ingest.register(registration)
        } catch {
            return .failure(RelayError(.configuration, "cannot accept publishers: \(error)"))
        }
        return .success(registration)
    }

    /// The relay's stream key when the gateway made it up (its source sets none): what a
    /// restarted gateway must reuse. Configured keys come from the config again.
    func generatedIngestKey(_ relay: Relay) -> String? {
        guard let registration = relay.ingest, registry.ingestEndpoint(for: relay.spec.source)?.key == nil else { return nil }
        return registration.key
    }
}
