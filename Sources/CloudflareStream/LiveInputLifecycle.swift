/// `GET https://customer-<code>.cloudflarestream.com/<uid>/lifecycle` (reference §1.4):
/// whether the input is broadcasting now, and the video of the current broadcast.
public struct LiveInputLifecycle: Sendable, Equatable, Decodable {
    public var isInput: Bool
    /// The current broadcast's video, nil when none.
    public var videoUID: String?
    public var live: Bool

    public init(isInput: Bool, videoUID: String?, live: Bool) {
        self.isInput = isInput
        self.videoUID = videoUID
        self.live = live
    }
}

/// `GET …/<uid>/views` (reference §1.4a): `{"liveViewers": 113}`.
struct LiveViewers: Decodable {
    var liveViewers: Int
}
