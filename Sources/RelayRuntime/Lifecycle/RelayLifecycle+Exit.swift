public import RelayCore

extension RelayLifecycle {
    /// Run `generation` exited (`exit` says how its process ended). Decides what follows
    /// under `policy`: the end of a stopping relay, a wait for the next publisher, a restart
    /// now or after a backoff, or giving up. `random` (0...1) places the backoff's jitter.
    public mutating func exited(
        generation: Int, exit: String, now: Instant, policy: RestartPolicy, random: Double = .random(in: 0...1)
    ) -> [Action] {
        switch state {
        case .stopping(let stopping) where stopping.run?.generation == generation:
            return [.cancel(.kill)] + finish(stopping.then)
        case .running(let run) where run.generation == generation && feed != .external:
            return runExited(run, exit: exit, now: now, policy: policy, random: random)
        default:
            return []
        }
    }

    private mutating func runExited(
        _ run: Run, exit: String, now: Instant, policy: RestartPolicy, random: Double
    ) -> [Action] {
        if case .pushed(let waitsForNext) = feed {
            let publisherGone: Bool
            switch run.end {
            case .finished?, .sourceGone?: publisherGone = true
            default: publisherGone = false
            }
            // A relay pushed to whose publisher left (for longer than the reconnect window,
            // or at once without one) has not failed: it waits for the next publisher, or
            // it is over with this one.
            if publisherGone, waitsForNext { return [.runEnded(.publisherGoneWaiting)] + launch() }
            if run.end == .finished { return over(.publisherGone) }
        }
        if case .sourceGone(let message)? = run.end { return over(.sourceGone(message)) }
        let ending = RunEnding.failed(end: run.end, exit: exit)
        switch tracker.failed(at: now, policy: policy, random: random) {
        case .giveUp(let failures):
            let reason = "crash loop: \(failures) failures in \(DurationText.format(policy.window)); last: \(ending.why)"
            state = .failed(reason: reason)
            return [.runEnded(ending), .gaveUp(reason: reason), .cleanup]
        case .restart(let attempt, let delay) where delay > .zero:
            state = .backingOff(until: now.advanced(by: delay), attempt: attempt)
            return [
                .runEnded(ending), .restarting(attempt: attempt, delay: delay, why: ending.why),
                .schedule(.restart, at: now.advanced(by: delay)),
            ]
        case .restart(let attempt, let delay):
            return [.runEnded(ending), .restarting(attempt: attempt, delay: delay, why: ending.why)] + launch()
        }
    }

    /// The relay is over because its source is: no restart would find it again.
    private mutating func over(_ ending: RunEnding) -> [Action] {
        state = .stopped
        return [.runEnded(ending), .cleanup, .remove(reason: ending.why)]
    }
}
