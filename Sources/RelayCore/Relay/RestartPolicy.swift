/// How a relay whose worker died (crash, pipeline error, input ended) is started again: a
/// route's `restart:` section. Not part of `RelaySpec`, so changing only the policy never
/// restarts a running relay; the supervisor reads the current policy at each failure.
public struct RestartPolicy: Sendable, Equatable {
    /// The pause before the second restart in a row, doubled for each one after it; the
    /// first restart is immediate, so a killed worker republishes at once.
    public var initialBackoff: Duration
    /// No pause is longer than this (jitter included).
    public var maxBackoff: Duration
    /// This many failures within `window` are a crash loop: the relay ends `failed`.
    public var giveUpAfter: Int
    public var window: Duration
    /// Running `active` this long without a failure wipes the slate: the next failure is
    /// restart 1 again and earlier failures no longer count toward `giveUpAfter`.
    public var stableAfter: Duration

    /// ±20 %: relays that fail together (a shared source or platform went away) spread
    /// their restarts instead of retrying in lockstep.
    public static let jitter = 0.2

    public init(
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60), giveUpAfter: Int = 5,
        window: Duration = .seconds(600), stableAfter: Duration = .seconds(30)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.giveUpAfter = giveUpAfter
        self.window = window
        self.stableAfter = stableAfter
    }

    /// The pause before restart number `attempt` (1-based). `random` in 0...1 places the
    /// jitter: 0 is -20 %, 0.5 none, 1 is +20 %.
    public func delay(attempt: Int, random: Double) -> Duration {
        guard attempt > 1 else { return .zero }
        // Past 2^20 the cap has long applied; stopping there keeps the product from overflowing.
        let base = min(initialBackoff * (1 << min(attempt - 2, 20)), maxBackoff)
        let factor = 1 + Self.jitter * (2 * min(max(random, 0), 1) - 1)
        return min(base * factor, maxBackoff)
    }
}
