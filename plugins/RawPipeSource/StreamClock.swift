/// Timestamps for the chunks of one stream, by the route's `clock` mode. Used on the relay's
/// thread as chunks leave the `Inbox`.
///
/// - `declared`: the writer's rate is trusted. Video frame n has pts n (time base 1/fps),
///   audio pts counts samples; the source releases each chunk at that media time.
/// - `arrival`: the time a chunk arrived is its time. Video pts is the arrival in µs;
///   audio continues by sample count while that stays within `audioSlackUs` of arrival.
struct StreamClock {
    enum Kind {
        case video(fps: Int)
        case audio(sampleRate: Int, samplesPerChunk: Int)
    }

    /// How far audio timestamps (which count samples) may run from arrival times before
    /// they are corrected: wider than a writer's normal burstiness, narrow enough for A/V sync.
    static let audioSlackUs: Int64 = 200_000

    let kind: Kind
    let declared: Bool
    /// The pts of the next chunk (declared), or the end of the last one (arrival).
    private var next: Int64?

    init(_ kind: Kind, declared: Bool) {
        self.kind = kind
        self.declared = declared
    }

    /// Units per second of the stream's time base.
    var timeScale: Int64 {
        switch kind {
        case .video(let fps): declared ? Int64(fps) : 1_000_000
        case .audio(let rate, _): Int64(rate)
        }
    }

    /// Duration of one chunk in the time base.
    var chunkDuration: Int64 {
        switch kind {
        case .video(let fps): declared ? 1 : 1_000_000 / Int64(fps)
        case .audio(_, let samples): Int64(samples)
        }
    }

    /// Media time (ns) at which the next chunk is due; `declared` only.
    var nextDueNs: Int64 { Self.nanoseconds(next ?? 0, per: timeScale) }

    /// The pts for a chunk that arrived at `arrivalUs`, or nil when it must be dropped
    /// (audio arriving faster than real time under the arrival clock).
    mutating func stamp(arrivalUs: Int64) -> Int64? {
        if declared {
            let pts = next ?? 0
            next = pts + chunkDuration
            return pts
        }
        let arrival = arrivalUs * timeScale / 1_000_000
        switch kind {
        case .video:
            // Strictly increasing, even for two frames read within the same microsecond.
            let pts = max(arrival, next ?? arrival)
            next = pts + 1
            return pts
        case .audio:
            let slack = Self.audioSlackUs * timeScale / 1_000_000
            var pts = arrival
            if let expected = next {
                // Audio ahead of the clock means the writer is faster than real time:
                // keeping it would pull the sound ever further ahead of the picture.
                if expected - arrival > slack { return nil }
                // Behind by more than the slack means the writer paused: go on from now.
                if arrival - expected <= slack { pts = expected }
            }
            next = pts + chunkDuration
            return pts
        }
    }

    /// `count / per` seconds in ns, split so that long runs at 96 kHz cannot overflow.
    static func nanoseconds(_ count: Int64, per: Int64) -> Int64 {
        count / per * 1_000_000_000 + count % per * 1_000_000_000 / per
    }
}
