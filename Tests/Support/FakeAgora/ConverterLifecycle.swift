import Foundation
import Glibc

/// The converter transitions every path shares (delete, idle timeout, failure, update).
extension FakeAgoraState {
    /// Stops the converter's ffmpeg the way a stopping converter ends its RTMP session:
    /// SIGTERM (ffmpeg closes the stream), SIGKILL if it lingers (see `reapStopped`).
    mutating func stopPusher(of id: String, now: Date = Date()) {
        guard let child = converters[id]?.pusher else { return }
        child.signal(SIGTERM)
        stopping.append((child, now))
        converters[id]?.pusher = nil
        converters[id]?.pusherStartedAt = nil
    }

    /// Removes a converter for `reason` ("Delete Request", "Idle Timeout"); its NCS 5/4.
    mutating func destroy(_ id: String, reason: String, now: Date = Date()) -> FakeAgora.Notification? {
        stopPusher(of: id, now: now)
        guard let record = converters.removeValue(forKey: id) else { return nil }
        destroyed.append((record.publicValue, reason))
        return ConverterEvents.destroyed(record, reason: reason)
    }

    /// Sets a converter's state; its NCS 5/3 if it changed.
    mutating func setState(_ id: String, _ newState: String) -> FakeAgora.Notification? {
        guard let record = converters[id], record.state != newState else { return nil }
        converters[id]?.state = newState
        return converters[id].map(ConverterEvents.stateChanged)
    }

    /// Forgets stopped ffmpegs; kills those still running 3 s after SIGTERM.
    mutating func reapStopped(now: Date = Date()) {
        stopping = stopping.filter { entry in
            guard entry.child.isRunning else { return false }
            if now.timeIntervalSince(entry.since) > 3 { entry.child.signal(SIGKILL) }
            return true
        }
    }
}
