internal import CFFmpeg
import RelayCore

/// The state behind libav's `AVIOInterruptCB` for one format context. libav polls the
/// callback while it waits on the network (at least every 100 ms), so raising the relay's
/// `StopSignal` or passing an operation's deadline makes the blocked call return
/// `AVERROR_EXIT` soon after.
///
/// Used only from the thread that owns the format context: libav calls the callback on the
/// thread that made the blocking call.
final class InterruptContext {
    private let stop: StopSignal
    /// How long an operation may keep running after the stop is first noticed. Zero for
    /// inputs (nothing to finish); outputs get a moment so an in-flight write or the
    /// closing handshake can complete instead of leaving the destination half-written.
    private let stopGrace: Int64
    /// Monotonic µs (av_gettime_relative); `Int64.max` means no deadline.
    private var deadline: Int64 = .max
    private var stopNoticedAt: Int64 = 0
    /// Forces every libav wait to give up at once (tearing down after a failure).
    private var abandoned = false
    private(set) var firedReason: AVError.Interruption?

    init(stop: StopSignal, stopGrace: Duration = .zero) {
        self.stop = stop
        self.stopGrace = Int64(stopGrace.milliseconds) * 1000
    }

    /// Starts a new blocking operation, optionally bounded by `timeout`.
    func begin(timeout: Duration? = nil) {
        deadline = timeout.map { av_gettime_relative() + Int64($0.milliseconds) * 1000 } ?? .max
        stopNoticedAt = 0
        firedReason = nil
    }

    func abandon() { abandoned = true }

    /// What an `AVERROR_EXIT` from the last operation means, if the callback caused it.
    func error(code: Int32, operation: String, target: String) -> AVError {
        AVError(code: code, operation: operation, target: target, interruption: code == AVError.exit ? firedReason : nil)
    }

    fileprivate func shouldInterrupt() -> Int32 {
        if abandoned { return fire(.stopped) }
        if stop.isRaised {
            guard stopGrace > 0 else { return fire(.stopped) }
            let now = av_gettime_relative()
            if stopNoticedAt == 0 { stopNoticedAt = now }
            if now - stopNoticedAt >= stopGrace { return fire(.stopped) }
        }
        if deadline != .max, av_gettime_relative() >= deadline { return fire(.timedOut) }
        return 0
    }

    private func fire(_ reason: AVError.Interruption) -> Int32 {
        firedReason = reason
        return 1
    }

    /// The callback to store in a format context; valid while this object lives, so the
    /// owner keeps a strong reference for as long as the context exists.
    var callback: AVIOInterruptCB {
        AVIOInterruptCB(callback: interruptTrampoline, opaque: Unmanaged.passUnretained(self).toOpaque())
    }
}

private func interruptTrampoline(_ opaque: UnsafeMutableRawPointer?) -> Int32 {
    guard let opaque else { return 0 }
    return Unmanaged<InterruptContext>.fromOpaque(opaque).takeUnretainedValue().shouldInterrupt()
}
