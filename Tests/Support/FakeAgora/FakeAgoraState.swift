import Foundation

/// Everything the fake cloud knows, behind one lock.
struct FakeAgoraState {
    var webhookURL: String?
    var calls: [FakeAgora.Call] = []
    /// Live converters by id.
    var converters: [String: ConverterRecord] = [:]
    var destroyed: [(converter: FakeAgora.Converter, reason: String)] = []
    /// ffmpeg children told to stop, with when; killed if they linger.
    var stopping: [(child: ChildProcess, since: Date)] = []
    /// Channel → broadcaster uid → joined at.
    var broadcasters: [String: [UInt32: Date]] = [:]
    var audience: [String: Int] = [:]
    /// "channel/uid" → the last clientSeq used.
    var clientSeq: [String: Int64] = [:]
    var failures: [FakeAgora.Operation: (status: Int, remaining: Int, message: String?)] = [:]
    var outage = false
    var rateLimiter = RateLimiter()
    var notifications: [FakeAgora.Notification] = []
    var shutDown = false

    func broadcasting(in channel: String) -> Set<UInt32> { Set(broadcasters[channel, default: [:]].keys) }
}

/// Sliding one-second windows of request times, one per key.
struct RateLimiter {
    private var windows: [String: [Date]] = [:]

    /// Records a request under `key`; false if `limit` were already made in the last second.
    mutating func allow(_ key: String, limit: Int, now: Date = Date()) -> Bool {
        var window = windows[key, default: []].filter { now.timeIntervalSince($0) < 1 }
        defer { windows[key] = window }
        guard window.count < limit else { return false }
        window.append(now)
        return true
    }
}
