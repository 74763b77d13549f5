/// How often and how long the client retries a call that failed for a passing reason (429,
/// 5xx, no answer): a doubling backoff, or exactly what a 429's `Retry-After` asks, both
/// capped. Bounded, so a relay's prepare or cleanup ends in a decision, not a hang.
public struct CloudflareRetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; 1 means no retry.
    public var maxAttempts: Int
    /// The wait before the first retry; each later one doubles, up to `maxBackoff`.
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// The longest `Retry-After` honoured; a longer one fails the call instead of parking
    /// the relay (Cloudflare's rate-limit windows are minutes at most).
    public var maxRetryAfter: Duration

    public init(
        maxAttempts: Int = 4, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30),
        maxRetryAfter: Duration = .seconds(300)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before retry `retry` (1-based) after `error`, or nil when it should not be
    /// retried: not retryable, attempts spent, or a `Retry-After` beyond the cap.
    public func delay(before retry: Int, after error: CloudflareStreamError) -> Duration? {
        guard error.isRetryable, retry < maxAttempts else { return nil }
        if let asked = error.retryAfter { return asked <= maxRetryAfter ? asked : nil }
        var wait = initialBackoff
        for _ in 1..<retry {
            wait = wait * 2
            if wait >= maxBackoff { return maxBackoff }
        }
        return min(wait, maxBackoff)
    }

    /// Runs `call` until it succeeds, fails for good, or the attempts are spent, sleeping on
    /// `clock` between attempts. Cancellation ends the waiting and rethrows the last error.
    func run<T: Sendable>(
        on clock: any Clock<Duration>, _ call: () async throws(CloudflareStreamError) -> T,
        retrying: (_ retry: Int, _ delay: Duration, _ error: CloudflareStreamError) -> Void
    ) async throws(CloudflareStreamError) -> T {
        var retry = 0
        while true {
            do {
                return try await call()
            } catch {
                let failure = error
                retry += 1
                guard let wait = delay(before: retry, after: failure), !Task.isCancelled else { throw failure }
                retrying(retry, wait, failure)
                do { try await clock.sleep(for: wait) } catch { throw failure }
            }
        }
    }
}
