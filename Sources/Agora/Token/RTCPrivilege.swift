/// The rights an RTC service grants, each with its own expiry (relative seconds, 0 = none).
public enum RTCPrivilege: UInt16, Sendable, CaseIterable {
    case joinChannel = 1
    case publishAudio
    case publishVideo
    case publishData
}
