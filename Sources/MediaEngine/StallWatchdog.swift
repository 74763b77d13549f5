/// The bytes-out watchdog's arithmetic (`Muxer`): a write may block until `limit` after the
/// output position last moved, counted across writes, so a destination that takes a trickle
/// per write cannot keep a stalled output alive for a `write_timeout` each time.
struct StallWatchdog {
    let limit: Duration
    /// When the output position last moved (on the muxer's clock), and to where.
    private(set) var lastProgressAt: Duration
    private var lastPosition: Int64

    init(limit: Duration, position: Int64, at now: Duration) {
        self.limit = limit
        lastPosition = position
        lastProgressAt = now
    }

    /// How long a write starting `now` may block: what is left of the limit, and at least
    /// 1 ms so that a write after a slow spell still gets to try.
    func timeout(at now: Duration) -> Duration {
        max(lastProgressAt + limit - now, .milliseconds(1))
    }

    /// The output position after a write that ended `now`.
    mutating func observe(position: Int64, at now: Duration) {
        guard position > lastPosition else { return }
        lastPosition = position
        lastProgressAt = now
    }
}
