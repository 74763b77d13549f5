extension RTCChannelEvent {
    /// The RTC `eventType`s of the live-broadcasting profile; the rest keep their code.
    public enum Kind: Sendable, Hashable {
        case channelCreate
        case channelDestroy
        case broadcasterJoin
        case broadcasterLeave
        case audienceJoin
        case audienceLeave
        case roleToBroadcaster
        case roleToAudience
        case other(Int)

        public init(eventType: Int) {
            self =
                switch eventType {
                case 101: .channelCreate
                case 102: .channelDestroy
                case 103: .broadcasterJoin
                case 104: .broadcasterLeave
                case 105: .audienceJoin
                case 106: .audienceLeave
                case 111: .roleToBroadcaster
                case 112: .roleToAudience
                default: .other(eventType)
                }
        }

        public var eventType: Int {
            switch self {
            case .channelCreate: 101
            case .channelDestroy: 102
            case .broadcasterJoin: 103
            case .broadcasterLeave: 104
            case .audienceJoin: 105
            case .audienceLeave: 106
            case .roleToBroadcaster: 111
            case .roleToAudience: 112
            case .other(let code): code
            }
        }
    }
}
