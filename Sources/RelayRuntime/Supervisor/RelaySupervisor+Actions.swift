import Foundation
import Logging
import RelayCore
import WorkerProtocol

/// Carrying out what a relay's lifecycle decided.
extension RelaySupervisor {
    /// Feeds one input to the relay's lifecycle and carries out the actions it returns.
    func handle(_ key: RelayKey, _ input: (inout Lifecycle) -> [Lifecycle.Action]) async {
        guard relays[key] != nil else { return }
        let actions = input(&relays[key]!.lifecycle)
        await perform(actions, for: key)
    }

    func perform(_ actions: [Lifecycle.Action], for key: RelayKey) async {
        for action in actions {
            guard relays[key] != nil else { return }
            switch action {
            case .prepare: await prepare(key)
            case .launch(let generation): await launch(key, generation: generation)
            case .stopRun(let generation): currentRun(key, generation)?.stop()
            case .killRun(let generation):
                logger.error("relay did not stop in time; killing its worker", metadata: meta(key))
                currentRun(key, generation)?.kill()
            case .schedule(let timer, let at): schedule(timer, at: at, for: key)
            case .cancel(let timer): relays[key]?.timers.removeValue(forKey: timer)?.cancel()
            case .cleanup: cleanUp(key)
            case .remove(let reason): remove(key, reason: reason)
            case .startReplacement: await startReplacement(key)
            case .restarting(let attempt, let delay, let why):
                relays[key]?.restarts += 1
                SupervisorMetrics.relayRestarted()
                journal.restarting(relays[key]!.spec, attempt: attempt, delay: delay, why: why)
                let seconds = String(format: "%.1f s", Double(delay.milliseconds) / 1000)
                logger.info("relay restarting", metadata: meta(key, ["restart": "\(attempt)", "after": "\(seconds)"]))
            case .runEnded(let ending): runEnded(key, ending)
            case .gaveUp(let reason):
                // Built first: an optional-chained assignment holds the table while its right side runs.
                var stats = relays[key]?.stats ?? RelayStats(state: .failed)
                stats.state = .failed
                stats.lastError = reason
                relays[key]?.stats = stats
                logger.error("relay failed; not restarting it: \(reason)", metadata: meta(key))
                journal.failed(relays[key]!.spec, reason: reason)
            }
        }
    }

    /// The run's handle, if `generation` is the relay's current run.
    private func currentRun(_ key: RelayKey, _ generation: Int) -> (any RelayRun)? {
        guard let run = relays[key]?.run, run.generation == generation else { return nil }
        return run.handle
    }

    // MARK: - Runs

    private func launch(_ key: RelayKey, generation: Int) async {
        guard let relay = relays[key] else { return }
        relays[key]?.stats = nil
        let ingestURL = relay.ingest.flatMap { registration in ingest.map { $0.publicURL + registration.publishPath } }
        let request = RunRequest(
            relayID: key.description, generation: generation,
            assignment: WorkerAssignment(
                spec: relay.spec, logLevel: settings.logLevel, drainTimeoutMs: settings.stopTimeout.milliseconds / 2,
                ingestURL: ingestURL, grants: relay.grants),
            ingest: relay.ingest)
        let run: any RelayRun
        do {
            run = try await executor.launch(request) { event in await self.deliver(event, key: key, generation: generation) }
        } catch {
            logger.error("relay worker could not start: \(error)", metadata: meta(key))
            await handle(key) { [clock, settings] in
                $0.exited(
                    generation: generation, exit: "could not start: \(error)", now: clock.now,
                    policy: settings.restartPolicy(route: key.route))
            }
            return
        }
        guard let current = relays[key], current.lifecycle.run?.generation == generation else {
            // Replaced, removed or already exited while it started: it is nobody's run.
            run.stop()
            return
        }
        relays[key]?.run = (generation, run)
        SupervisorMetrics.workerStarted()
        logger.info("relay worker started", metadata: meta(key, ["pid": "\(run.pid.map(String.init) ?? "-")"]))
        // A stop that arrived while it started must still reach it, and a kill whose
        // deadline passed meanwhile (its timer found no run to kill) too.
        if case .stopping = current.lifecycle.state {
            run.stop()
            if current.timers[.kill] == nil { run.kill() }
        }
    }

    private func schedule(_ timer: LifecycleTimer, at deadline: C.Instant, for key: RelayKey) {
        relays[key]?.timers[timer]?.cancel()
        relays[key]?.timers[timer] = Task { [clock] in
            do { try await clock.sleep(until: deadline, tolerance: nil) } catch { return }
            await self.timerFired(timer, key: key)
        }
    }

    private func timerFired(_ timer: LifecycleTimer, key: RelayKey) async {
        relays[key]?.timers[timer] = nil
        let now = clock.now
        await handle(key) { $0.timerFired(timer, now: now) }
    }

    private func runEnded(_ key: RelayKey, _ ending: Lifecycle.RunEnding) {
        guard let spec = relays[key]?.spec else { return }
        switch ending {
        case .failed(let end, let exit):
            switch end {
            case .finished?: logger.notice("relay input ended; restarting", metadata: meta(key))
            case .failed(let error)?:
                logger.error("relay failed: \(error.errorClass.rawValue): \(error.message)", metadata: meta(key, ["worker": "\(exit)"]))
            case .stopped?, .sourceGone?, nil: logger.error("relay worker died unexpectedly (\(exit))", metadata: meta(key))
            }
            SupervisorMetrics.relayFailed()
            observe(key, state: .failed, reason: ending.why)
        case .publisherGoneWaiting:
            logger.notice("relay's publisher is gone; waiting for the next one", metadata: meta(key))
            relays[key]?.stats = nil
            journal.observe(spec, stats: RelayStats(state: .starting), playback: playback(for: key), reason: ending.why)
        case .publisherGone:
            logger.notice("relay ended and is not restarted: its publisher left", metadata: meta(key))
        case .sourceGone(let message):
            logger.notice("relay ended and is not restarted: source-gone: \(message)", metadata: meta(key))
            observe(key, state: .failed, reason: ending.why)
        }
    }

    /// Records a state the relay is in now, as a report would.
    private func observe(_ key: RelayKey, state: RelayState, reason: String) {
        guard let relay = relays[key] else { return }
        var stats = relay.stats ?? RelayStats(state: state)
        stats.state = state
        relays[key]?.stats = stats
        journal.observe(relay.spec, stats: stats, playback: playback(for: key), reason: reason)
    }

    // MARK: - The end of a relay, or of a life

    /// Drops a relay from the table; its ingest endpoint goes with it (a publisher on it is
    /// disconnected).
    private func remove(_ key: RelayKey, reason: String) {
        guard let relay = relays.removeValue(forKey: key) else { return }
        for timer in relay.timers.values { timer.cancel() }
        if let registration = relay.ingest { ingest?.unregister(relay: registration.relay) }
        journal.stopped(relay.spec, reason: reason)
        SupervisorMetrics.relayStopped()
        logger.info("relay stopped", metadata: meta(key, ["reason": "\(relay.stopReason ?? reason)"]))
        if relays.isEmpty {
            for waiter in emptied { waiter.resume() }
            emptied = []
        }
    }

    /// The current life is over and a reload's replacement takes over: on the same key the
    /// lifecycle carries on (so late events of the old runs stay recognisably old); on
    /// another key (the channel moved to another route) the old relay goes.
    private func startReplacement(_ key: RelayKey) async {
        guard let old = relays[key], let replacement = old.replacement else { return }
        let next = RelayKey(replacement.spec)
        guard !shuttingDown else {
            remove(key, reason: "gateway shutting down")
            return
        }
        if next != key {
            remove(key, reason: "moved to route \(next.route)")
            await startConfigured(replacement.spec, origin: replacement.origin)
            return
        }
        // An unchanged endpoint is kept as it is: its publisher stays connected.
        let claim = claimIngest(for: replacement.spec, keeping: old.ingest)
        var fresh = old
        fresh.spec = replacement.spec
        fresh.origin = replacement.origin
        fresh.replacement = nil
        fresh.stopReason = nil
        fresh.startedAt = Date()
        fresh.stats = nil
        fresh.restarts = 0
        fresh.ingest = try? claim.get()
        fresh.lifecycle.feed = feed(fresh.spec, origin: fresh.origin, ingest: fresh.ingest)
        relays[key] = fresh
        journal.requested(fresh.spec, origin: fresh.origin, ingestKey: generatedIngestKey(fresh))
        if case .failure(let error) = claim {
            await handle(key) { $0.cannotBegin(error.message) }
            return
        }
        await handle(key) { $0.begin() }
    }
}
