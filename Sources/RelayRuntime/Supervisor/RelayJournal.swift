import Foundation
import RelayCore

/// Turns what the supervisor sees of its relays into `RelayRecord`s for the recorder: every
/// state change, the moment a relay becomes active, a metrics sample per interval, and its
/// final stop. Lives inside the supervisor actor, so it needs no locking of its own.
struct RelayJournal {
    /// Who watches a relay's channel, as its companions count them (nil: nobody counts).
    struct Viewers {
        /// On the source's platform (the audience of the seller's channel there).
        var source: Int?
        /// On the outputs' platforms, summed (HLS viewers of live inputs and channels).
        var outputs: Int?
    }

    private struct Seen {
        var state: RelayState?
        var startedRecorded = false
        /// The outputs' total drop count at the previous sample (health judges new drops).
        var droppedAtLastSample: Int64 = 0
    }

    let recorder: any RelayRecorder
    private var seen: [RelayKey: Seen] = [:]

    init(recorder: any RelayRecorder) { self.recorder = recorder }

    /// A worker reported `stats`. `playback` is what buyers open (the first output's
    /// playback URL) and the platform serving it, recorded when the relay becomes active.
    mutating func observe(
        _ spec: RelaySpec, stats: RelayStats, playback: (url: String?, platform: String?), reason: String? = nil
    ) {
        let key = RelayKey(spec)
        var entry = seen[key] ?? Seen()
        defer { seen[key] = entry }
        guard entry.state != stats.state else { return }
        recorder.record(
            record(spec, .transition(from: entry.state, to: stats.state, reason: reason, detail: stats.lastError)))
        entry.state = stats.state
        if stats.state == .active, !entry.startedRecorded {
            entry.startedRecorded = true
            recorder.record(record(spec, .started(playbackURL: playback.url, platform: playback.platform)))
        }
    }

    /// Where buyers watch became known after the relay started (a pending output's grant):
    /// recorded when the relay's start was (before that, `observe` carries it).
    mutating func playbackKnown(_ spec: RelaySpec, url: String, platform: String?) {
        guard seen[RelayKey(spec)]?.startedRecorded == true else { return }
        recorder.record(record(spec, .playback(url: url, platform: platform)))
    }

    /// One metrics sample for each running relay.
    mutating func sample(_ relays: [(spec: RelaySpec, stats: RelayStats, viewers: Viewers)]) {
        for (spec, stats, viewers) in relays {
            let key = RelayKey(spec)
            var entry = seen[key] ?? Seen()
            let health = RelayHealth.assess(stats, droppedBefore: entry.droppedAtLastSample)
            entry.droppedAtLastSample = stats.outputs.reduce(0) { $0 + $1.dropped }
            seen[key] = entry
            recorder.record(
                record(
                    spec,
                    .metrics(
                        bitrateKbps: stats.outputBitrateKbps, fps: stats.input.fps, health: health,
                        outputs: stats.outputs, viewers: viewers.source, hlsViewers: viewers.outputs)))
        }
    }

    /// The relay is gone for good (stopped on request, removed by a reload, gateway shutdown).
    mutating func stopped(_ spec: RelaySpec, reason: String) {
        let key = RelayKey(spec)
        if let state = seen[key]?.state, state != .stopped {
            recorder.record(record(spec, .transition(from: state, to: .stopped, reason: reason, detail: nil)))
        }
        recorder.record(record(spec, .stopped(reason: reason)))
        seen[key] = nil
    }

    /// The relay is wanted (a new relay, or a failed one asked for again): kept so a
    /// restarted gateway knows what to resume.
    /// `ingestKey`: a stream key the gateway made up for the relay, kept with it.
    func requested(_ spec: RelaySpec, origin: RelayOrigin, ingestKey: String? = nil) {
        var request: RelayRequest?
        if case .requested(let asked) = origin { request = asked }
        recorder.record(
            record(
                spec,
                .requested(
                    requestedRoute: request?.route, sellerUID: request?.sellerUID, fromConfig: request == nil,
                    ingestKey: ingestKey)))
    }

    /// A restart is scheduled: a transition to `starting` whose reason says which restart
    /// and after what pause ("restart 3 in 2.1 s"), so growing backoff shows in relay_events.
    mutating func restarting(_ spec: RelaySpec, attempt: Int, delay: Duration, why: String) {
        let key = RelayKey(spec)
        var entry = seen[key] ?? Seen()
        let seconds = String(format: "%.1f", Double(delay.milliseconds) / 1000)
        recorder.record(
            record(spec, .transition(from: entry.state, to: .starting, reason: "restart \(attempt) in \(seconds) s", detail: why)))
        entry.state = .starting
        seen[key] = entry
    }

    /// The relay's upstream did or met something worth keeping (a retry and its backoff).
    func upstream(_ spec: RelaySpec, reason: String, detail: String?) {
        let state = seen[RelayKey(spec)]?.state ?? .starting
        recorder.record(record(spec, .upstream(state: state, reason: reason, detail: detail)))
    }

    /// Restarting was given up (a crash loop). The channel falls back to the seller's platform
    /// only; if the relay is started again, it is recorded as started anew.
    mutating func failed(_ spec: RelaySpec, reason: String) {
        let key = RelayKey(spec)
        var entry = seen[key] ?? Seen()
        recorder.record(record(spec, .failed(reason: reason)))
        entry.state = .failed
        entry.startedRecorded = false
        seen[key] = entry
    }

    private func record(_ spec: RelaySpec, _ event: RelayRecord.Event) -> RelayRecord {
        RelayRecord(
            channel: spec.channel, channelID: spec.values["channelId"].flatMap { Int64($0) }, route: spec.route,
            event: event)
    }
}
