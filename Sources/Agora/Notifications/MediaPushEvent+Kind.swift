extension MediaPushEvent {
    /// Media Push `eventType`s; unknown ones keep their code.
    public enum Kind: Sendable, Hashable {
        case created
        case configChanged
        case stateChanged
        case destroyed
        case other(Int)

        public init(eventType: Int) {
            self =
                switch eventType {
                case 1: .created
                case 2: .configChanged
                case 3: .stateChanged
                case 4: .destroyed
                default: .other(eventType)
                }
        }

        public var eventType: Int {
            switch self {
            case .created: 1
            case .configChanged: 2
            case .stateChanged: 3
            case .destroyed: 4
            case .other(let code): code
            }
        }
    }
}
