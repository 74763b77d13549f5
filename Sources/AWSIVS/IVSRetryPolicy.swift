/// How retryable failures are retried: exponential backoff, bounded attempts, on a clock a
/// test can drive. Jitter spreads the retries of many relays throttled at the same moment.
public struct IVSRetryPolicy: Sendable {
    /// Tries in all, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    public var clock: any Clock<Duration>
    /// Maps a computed delay to the one slept; the default draws from its upper half.
    public var jitter: @Sendable (Duration) -> Duration

    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(200), maxDelay: Duration = .seconds(5),
        clock: any Clock<Duration> = ContinuousClock(),
        jitter: @escaping @Sendable (Duration) -> Duration = { $0 / 2 + $0 / 2 * Double.random(in: 0...1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.clock = clock
        self.jitter = jitter
    }

    /// The delay after failed attempt `attempt` (1-based): base × 2^(attempt−1), capped.
    public func delay(after attempt: Int) -> Duration {
        var delay = baseDelay
        for _ in 1..<max(1, attempt) where delay < maxDelay { delay *= 2 }
        return jitter(min(delay, maxDelay))
    }

    /// No retries: every failure reaches the caller at once.
    public static var none: IVSRetryPolicy { IVSRetryPolicy(maxAttempts: 1) }
}
