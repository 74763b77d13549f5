/// The payload of an RTC channel event (productId 1): someone joined, left or changed role,
/// or the channel came or went.
public struct RTCChannelEvent: Sendable, Equatable {
    public let kind: Kind
    public let channelName: String
    /// Absent on channel create and destroy.
    public let uid: UInt32?
    /// Increases per user; absent on channel create and destroy. Order a user's events by it.
    public let clientSeq: Int64?
    /// Unix seconds.
    public let ts: Int64
    /// Why a user left (1 quit, 2 timeout, 3 kicked, …); leave events only.
    public let reason: Int?
    /// 1 Android, 2 iOS, 5 Windows, 6 Linux, 7 Web, 8 macOS, 0 other.
    public let platform: Int?

    private enum CodingKeys: String, CodingKey {
        case channelName, uid, clientSeq, ts, reason, platform
    }

    init(kind: Kind, from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let owner = "RTC event payload"
        self.kind = kind
        channelName = try container.required(String.self, .channelName, in: owner)
        uid = try container.decodeIfPresent(NumericUID.self, forKey: .uid)?.value
        clientSeq = try container.decodeIfPresent(Int64.self, forKey: .clientSeq)
        ts = try container.required(Int64.self, .ts, in: owner)
        reason = try container.decodeIfPresent(Int.self, forKey: .reason)
        platform = try container.decodeIfPresent(Int.self, forKey: .platform)
    }
}

/// A uid sent as a JSON number or as a string of digits; both occur in Agora's examples.
private struct NumericUID: Decodable {
    let value: UInt32

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt32.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        guard let number = UInt32(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "uid \"\(text)\" is not a number from 0 to 4294967295")
        }
        value = number
    }
}
