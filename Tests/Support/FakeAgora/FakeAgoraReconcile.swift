import Foundation
import Synchronization

extension FakeAgora {
    /// One pass over the converters: start or stop ffmpeg as their source users come and
    /// go, follow ffmpeg into `running` or back to `connecting`, run the idle timers.
    func tick() {
        let events = state.withLock { state in Self.reconcile(&state, now: Date(), logDirectory: logs.path) }
        for event in events { post(event) }
    }

    static func reconcile(_ state: inout FakeAgoraState, now: Date, logDirectory: String) -> [Notification] {
        var events: [Notification?] = []
        for id in state.converters.keys.sorted() {
            guard let record = state.converters[id] else { continue }
            let present = record.spec.sourcePresent(among: state.broadcasting(in: record.spec.channel))
            let idleSince = present ? nil : (record.idleSince ?? now)
            state.converters[id]?.idleSince = idleSince
            if let idleSince, now.timeIntervalSince(idleSince) >= Double(record.spec.idleTimeout) {
                events.append(state.destroy(id, reason: "Idle Timeout", now: now))
                continue
            }
            let shouldPush = present && record.state != "failed" && !state.shutDown
            if let child = record.pusher {
                if !shouldPush || !child.isRunning {
                    // A crash is retried after a second, as Agora's converter retries its RTMP leg.
                    if child.isRunning { state.stopPusher(of: id, now: now) } else { state.converters[id]?.pusher = nil }
                    state.converters[id]?.restartAt = shouldPush ? now.addingTimeInterval(1) : nil
                    if record.state == "running" { events.append(state.setState(id, "connecting")) }
                } else if record.state == "connecting", let started = record.pusherStartedAt,
                    now.timeIntervalSince(started) >= 1, ConverterPusher.isPublishing(child)
                {
                    events.append(state.setState(id, "running"))
                }
            } else if shouldPush, now >= record.restartAt ?? .distantPast {
                do {
                    state.converters[id]?.pusher = try ConverterPusher.start(record.spec, id: id, logDirectory: logDirectory)
                    state.converters[id]?.pusherStartedAt = now
                } catch {
                    state.converters[id]?.restartAt = now.addingTimeInterval(1)
                }
            }
        }
        state.reapStopped(now: now)
        return events.compactMap { $0 }
    }
}
