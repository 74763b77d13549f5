/// How a companion retries calls to its platform's API that failed for a passing reason (a
/// 429, a 5xx, no answer): a doubling backoff, or what the platform asked for, until the call
/// succeeds or `giveUpAfter` has passed on `clock` since the first attempt (calls that hang
/// until their own timeout count too). Each retry is told to `events`, so the relay's history
/// shows the platform's trouble. Bounded: a prepare or cleanup ends in a decision, never a
/// hang.
public struct PlatformCallRetry: Sendable {
    public var backoff: Duration
    public var maxBackoff: Duration
    public var giveUpAfter: Duration
    public var clock: any Clock<Duration>

    public init(
        backoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30), giveUpAfter: Duration = .seconds(120),
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.backoff = backoff
        self.maxBackoff = max(maxBackoff, backoff)
        self.giveUpAfter = giveUpAfter
        self.clock = clock
    }

    /// What to do after a failed attempt: give up with the error, or wait and try again (at
    /// least `asked`, when the platform said how long).
    public enum Verdict: Sendable {
        case fail
        case retry(asked: Duration?)
    }

    /// Runs `call` until it succeeds or `verdict` says fail (or time is up); the last error is
    /// thrown. `operation` names the call in the notes ("create live input").
    public func run<T: Sendable>(
        _ operation: String, events: (any CompanionEvents)?, verdict: (any Error) -> Verdict,
        _ call: () async throws -> T
    ) async throws -> T {
        let elapsed = Self.stopwatch(clock)
        var wait = backoff
        var retry = 0
        while true {
            do {
                return try await call()
            } catch {
                guard case .retry(let asked) = verdict(error), !Task.isCancelled else { throw error }
                let delay = max(asked ?? wait, .zero)
                guard elapsed() + delay <= giveUpAfter else { throw error }
                retry += 1
                await events?.note(
                    "platform call retried", detail: "\(operation): retry \(retry) in \(DurationText.format(delay)) after: \(error)")
                try await clock.sleep(for: delay)
                wait = min(wait * 2, maxBackoff)
            }
        }
    }

    /// Time since now on `clock` (opened from its existential, whose instants cannot be
    /// subtracted as such).
    private static func stopwatch<C: Clock>(_ clock: C) -> () -> Duration where C.Duration == Duration {
        let start = clock.now
        return { start.duration(to: clock.now) }
    }
}
