import Foundation
import Synchronization

/// The seller's side of the channel: joining and leaving as a broadcaster, and the RTC
/// channel events (productId 1, reference §2.4) NCS reports for it.
extension FakeAgora {
    /// Web SDK users report platform 7.
    static let webPlatform: Int64 = 7

    /// The uid becomes a broadcaster; converters for it start pushing; NCS 101 (when the
    /// channel was empty) and 103 are sent, and awaited, unless `sendEvent` is false.
    public func sellerJoins(channel: String, uid: UInt32, sendEvent: Bool = true) async {
        let channelWasEmpty = state.withLock { state in
            let empty = state.broadcasting(in: channel).isEmpty && state.audience[channel, default: 0] == 0
            if state.broadcasters[channel, default: [:]][uid] == nil { state.broadcasters[channel, default: [:]][uid] = Date() }
            return empty
        }
        tick()
        guard sendEvent else { return }
        if channelWasEmpty { await send(rtcEvent(101, channel: channel, uid: uid)) }
        await send(rtcEvent(103, channel: channel, uid: uid))
    }

    /// Converters for the uid stop pushing (ffmpeg stopped) and their idle timers start;
    /// NCS 104 (and 102 when the channel empties) are sent, and awaited, unless `sendEvent`
    /// is false.
    public func sellerLeaves(channel: String, uid: UInt32, sendEvent: Bool = true) async {
        let leave = rtcEvent(104, channel: channel, uid: uid)
        let channelIsEmpty = state.withLock { state in
            state.broadcasters[channel]?[uid] = nil
            return state.broadcasting(in: channel).isEmpty && state.audience[channel, default: 0] == 0
        }
        tick()
        guard sendEvent else { return }
        await send(leave)
        if channelIsEmpty { await send(rtcEvent(102, channel: channel, uid: uid)) }
    }

    /// A realistic RTC event: `channelName`, `uid`, `platform` 7, `clientSeq` (one more than
    /// the user's last unless given), `ts` in seconds; leaves (104, 106, 108) add `reason` 1
    /// (quit) and `duration` since the join; 101 and 102 carry only the channel (and
    /// `lastUid`); role changes (111, 112) have no platform.
    public func rtcEvent(_ eventType: Int, channel: String, uid: UInt32, clientSeq: Int64? = nil) -> Notification {
        let now = Date()
        let ts = JSONValue.int(Int64(now.timeIntervalSince1970))
        let sid = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let name = JSONValue.string(channel)
        switch eventType {
        case 101:
            return Notification(productId: 1, eventType: 101, sid: sid, payload: ["channelName": name, "ts": ts])
        case 102:
            return Notification(
                productId: 1, eventType: 102, sid: sid, payload: ["channelName": name, "ts": ts, "lastUid": .int(Int64(uid))])
        default:
            break
        }
        let (seq, joined) = state.withLock { state in
            let key = "\(channel)/\(uid)"
            let seq = clientSeq ?? (state.clientSeq[key] ?? Notification.nowMs()) + 1
            state.clientSeq[key] = max(state.clientSeq[key] ?? seq, seq)
            return (seq, state.broadcasters[channel]?[uid])
        }
        var payload: JSONValue = ["channelName": name, "uid": .int(Int64(uid))]
        if ![111, 112].contains(eventType) { payload = payload.setting("platform", .int(Self.webPlatform)) }
        payload = payload.setting("clientSeq", .int(seq)).setting("ts", ts)
        if [104, 106, 108].contains(eventType) {
            let duration = joined.map { Int64(now.timeIntervalSince($0)) } ?? 0
            payload = payload.setting("reason", 1).setting("duration", .int(duration))
        }
        return Notification(productId: 1, eventType: eventType, sid: sid, payload: payload)
    }
}
