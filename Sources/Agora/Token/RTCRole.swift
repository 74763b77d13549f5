/// What an RTC token lets its holder do, as agora-token's `RtcRole`.
public enum RTCRole: String, Sendable, CaseIterable {
    /// Join and publish audio, video and data.
    case publisher
    /// Join only. Agora enforces the difference only when the project has co-host
    /// authentication enabled; otherwise a subscriber may publish too.
    case subscriber
}
