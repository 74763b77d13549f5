/// A converter's validated configuration: what it pulls from the channel and what it
/// pushes, plus the normalised object that Get and NCS 5/1 show.
struct ConverterSpec: Sendable {
    struct Video: Sendable, Equatable {
        var width: Int
        var height: Int
        var frameRate: Int
        var bitrateKbps: Int
        var gop: Int
        /// x264's profile name: baseline, main or high.
        var profile: String
    }

    struct Audio: Sendable, Equatable {
        var sampleRate: Int
        var channels: Int
        var bitrateKbps: Int
        var heAAC: Bool
    }

    var name: String?
    var channel: String
    var raw: Bool
    /// The users whose media the converter carries; empty with `mixesEveryone`.
    var uids: [UInt32]
    /// A transcoder without `audioOptions.rtcStreamUids` or layout mixes every broadcaster.
    var mixesEveryone: Bool
    var rtmpURL: String
    var idleTimeout: Int
    var video: Video?
    var audio: Audio?
    /// `layoutType` 1: only `rtmpUrl` may be updated.
    var vertical: Bool
    /// The converter object as stored: options, `rtmpUrl`, `idleTimeout` (one spelling).
    var config: JSONValue

    /// Whether a source user is broadcasting, given the channel's broadcasters.
    func sourcePresent(among broadcasters: Set<UInt32>) -> Bool {
        mixesEveryone ? !broadcasters.isEmpty : uids.contains { broadcasters.contains($0) }
    }

    /// What a raw converter forwards: the seller's own encoding, played by a 720p H.264
    /// baseline stream (what the Web SDK sends with codec "h264"), 2 s GOP.
    static let rawVideo = Video(width: 1280, height: 720, frameRate: 25, bitrateKbps: 2000, gop: 50, profile: "baseline")
    static let rawAudio = Audio(sampleRate: 48000, channels: 1, bitrateKbps: 48, heAAC: false)
}
