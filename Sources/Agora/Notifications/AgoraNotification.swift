/// One NCS webhook body: `{noticeId, productId, eventType, notifyMs, sid?, payload}`.
/// Fields this type does not know are ignored, so new ones from Agora do no harm.
public struct AgoraNotification: Sendable, Decodable, Equatable {
    /// What happened, typed for the products relaygate acts on.
    public enum Event: Sendable, Equatable {
        /// productId 1.
        case rtc(RTCChannelEvent)
        /// productId 5.
        case mediaPush(MediaPushEvent)
        /// Any other product (Cloud Recording, Media Pull, …).
        case other
    }

    public static let rtcProduct = 1
    public static let mediaPushProduct = 5

    /// The same on every resend of one notification.
    public let noticeId: String
    public let productId: Int
    public let eventType: Int
    /// Unix milliseconds of this delivery; renewed on every resend.
    public let notifyMs: Int64
    /// Session ID; not every product sends it.
    public let sid: String?
    public let event: Event

    private enum CodingKeys: String, CodingKey {
        case noticeId, productId, eventType, notifyMs, sid, payload
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let owner = "NCS notification"
        noticeId = try container.required(String.self, .noticeId, in: owner)
        productId = try container.required(Int.self, .productId, in: owner)
        eventType = try container.required(Int.self, .eventType, in: owner)
        notifyMs = try container.required(Int64.self, .notifyMs, in: owner)
        sid = try container.decodeIfPresent(String.self, forKey: .sid)
        switch productId {
        case Self.rtcProduct:
            try container.requireKey(.payload, in: owner)
            event = .rtc(
                try RTCChannelEvent(
                    kind: RTCChannelEvent.Kind(eventType: eventType), from: container.superDecoder(forKey: .payload)))
        case Self.mediaPushProduct:
            try container.requireKey(.payload, in: owner)
            event = .mediaPush(
                try MediaPushEvent(
                    kind: MediaPushEvent.Kind(eventType: eventType), from: container.superDecoder(forKey: .payload)))
        default:
            event = .other
        }
    }
}
