/// Turns NCS's at-least-once, unordered delivery into "act once, in order": remembers
/// recent noticeIds, and for RTC events the highest clientSeq admitted per user.
///
/// A value type: keep it in an actor or behind a lock, as one channel's callbacks should be
/// handled in one place anyway.
public struct NotificationSequencer: Sendable {
    public enum Admission: Sendable, Equatable {
        /// Act on it.
        case fresh
        /// Its noticeId was admitted before: a resend.
        case duplicate
        /// An RTC event older (by clientSeq) than one already admitted for the same user.
        case stale
    }

    private struct User: Hashable, Sendable {
        let channelName: String
        let uid: UInt32
    }

    private var notices: BoundedMemory<String, Void>
    private var latestSeq: BoundedMemory<User, Int64>

    /// Remembers up to `capacity` noticeIds and as many users; the oldest are forgotten first.
    public init(capacity: Int = 10_000) {
        notices = BoundedMemory(capacity: capacity)
        latestSeq = BoundedMemory(capacity: capacity)
    }

    public mutating func admit(_ notification: AgoraNotification) -> Admission {
        if notices[notification.noticeId] != nil { return .duplicate }
        notices.set((), for: notification.noticeId)
        guard case .rtc(let event) = notification.event, let uid = event.uid, let sequence = event.clientSeq else {
            return .fresh
        }
        let user = User(channelName: event.channelName, uid: uid)
        if let latest = latestSeq[user], sequence <= latest { return .stale }
        latestSeq.set(sequence, for: user)
        return .fresh
    }
}
