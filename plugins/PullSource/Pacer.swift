import RelayCore

/// Releases packets no earlier than their media time, like `ffmpeg -re`: a packet is due
/// once the clock since the first packet reaches its dts since the first packet. Packets due
/// within `slack` go out together: one wakeup per slack window rather than one per packet,
/// at a jitter no player notices (`ffmpeg -re` polls every 10 ms).
struct Pacer {
    static let slack: Duration = .milliseconds(100)

    let clock: any BlockingClock
    private var origin: (mediaUs: Int64, at: Duration)?

    init(clock: any BlockingClock) { self.clock = clock }

    /// Waits until media time `mediaUs` is due. Returns false if `stop` was raised meanwhile.
    mutating func wait(untilMediaUs mediaUs: Int64, stop: StopSignal) -> Bool {
        guard let origin else {
            origin = (mediaUs, clock.now)
            return true
        }
        let due = origin.at + .microseconds(mediaUs - origin.mediaUs)
        guard due - clock.now > Self.slack else { return true }
        return clock.sleep(until: due, stop: stop)
    }
}
