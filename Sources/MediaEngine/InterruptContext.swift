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
    private let stopGrace: Duration
    /// Times deadlines and the grace (the system's monotonic clock outside tests).
    let clock: any BlockingClock
    /// When the current operation times out; nil: it does not.
    private var deadline: Duration?
    private var stopNoticedAt: Duration?
    /// Forces every libav wait to give up at once (tearing down after a failure).
    private var abandoned = false
    private(set) var firedReason: AVError.Interruption?

    init(stop: StopSignal, stopGrace: Duration = .zero, clock: any BlockingClock = SystemClock()) {
        self.stop = stop
        self.stopGrace = stopGrace
        self.clock = clock
    }

    /// Starts a new blocking operation, optionally bounded by `timeout`.
    func begin(timeout: Duration? = nil) {
        deadline = timeout.map { clock.now + $0 }
        stopNoticedAt = nil
        firedReason = nil
    }

    func abandon() { abandoned = true }

    /// What an `AVERROR_EXIT` from the last operation means, if the callback caused it.
    func error(code: Int32, operation: String, target: String) -> AVError {
        AVError(code: code, operation: operation, target: target, interruption: code == AVError.exit ? firedReason : nil)
    }

    /// What libav's callback answers: 1 makes the blocked call give up, 0 lets it wait on.
    func shouldInterrupt() -> Int32 {
        if abandoned { return fire(.stopped) }
        if stop.isRaised {
            guard stopGrace > .zero else { return fire(.stopped) }
            let now = clock.now
            let noticed = stopNoticedAt ?? now
            stopNoticedAt = noticed
            if now - noticed >= stopGrace { return fire(.stopped) }
        }
        if let deadline, clock.now >= deadline { return fire(.timedOut) }
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
