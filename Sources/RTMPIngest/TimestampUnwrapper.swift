/// Turns a publisher's 32-bit millisecond timestamps into 64-bit ones: RTMP timestamps wrap
/// after 49.7 days, and a small step back (reordered audio, say) must not look like a wrap.
struct TimestampUnwrapper {
    private static let half: UInt32 = 0x8000_0000
    private var last: UInt32?
    private var epoch: Int64 = 0

    mutating func unwrap(_ timestamp: UInt32) -> Int64 {
        guard let last else {
            self.last = timestamp
            return Int64(timestamp)
        }
        if timestamp < last, last - timestamp > Self.half {
            // Half the range backwards: the counter wrapped.
            epoch += 1 << 32
        } else if timestamp > last, timestamp - last > Self.half, epoch > 0 {
            // Half the range forwards right after a wrap: a late message from before it.
            return epoch - (1 << 32) + Int64(timestamp)
        }
        self.last = timestamp
        return epoch + Int64(timestamp)
    }
}
