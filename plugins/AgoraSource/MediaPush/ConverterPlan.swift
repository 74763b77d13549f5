public import Agora
import Foundation
public import RelayCore

/// What to ask Agora for, for one relay: the converter's name and body, and whether it
/// forwards the seller's stream raw or transcodes it.
public struct ConverterPlan: Sendable, Equatable {
    public enum Mode: String, Sendable { case raw, transcode }

    public var name: String
    public var mode: Mode
    public var channel: String
    public var sellerUID: UInt32
    /// Pushes straight to the platform (no ingest, no worker).
    public var direct: Bool
    public var request: ConverterRequest

    /// Used when Agora must transcode for a route that passes through (a VP8 seller): Agora's
    /// recommended 720p pair (agora.md §1.10).
    static let passthroughCanvas = (width: 1280, height: 720, fps: 30, kbps: 3420)

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case noSeller
        case badSeller(String)
        /// Direct mode needs exactly one output, an RTMP(S) URL.
        case directNeedsOneRTMPOutput(String)
        case noIngest
        public var description: String {
            switch self {
            case .directNeedsOneRTMPOutput(let why): "direct mode pushes to exactly one rtmp output: \(why)"
            case .noIngest: "the relay has no ingest endpoint to push to"
            case .noSeller: "no seller uid: the relay was not started for a broadcaster and its source names none"
            case .badSeller(let text): "seller uid \"\(text)\" is not an Agora uid (1 to 4294967295)"
            }
        }
    }

    public init(
        relay: CompanionRelay, options: AgoraSourceOptions
    ) throws(Problem) {
        let uid: UInt32
        switch options.seller {
        case .uid(let fixed): uid = fixed
        case .broadcaster:
            guard let text = relay.sellerUID else { throw .noSeller }
            guard let parsed = UInt32(text), parsed > 0 else { throw .badSeller(text) }
            uid = parsed
        }
        let passthrough = relay.spec.transcoder.type == "passthrough"
        let mode: Mode =
            switch options.push {
            case .raw: .raw
            case .transcode: .transcode
            case .auto: options.sellerCodec == .h264 && passthrough ? .raw : .transcode
            }
        let rtmpURL: String
        if options.direct {
            rtmpURL = try Self.directURL(relay.spec)
        } else {
            guard let ingestURL = relay.ingestURL else { throw .noIngest }
            rtmpURL = ingestURL
        }
        self.direct = options.direct
        self.name = ConverterName.make(route: relay.spec.route, channel: relay.spec.channel)
        self.mode = mode
        self.channel = relay.spec.channel
        self.sellerUID = uid
        switch mode {
        case .raw:
            request = ConverterRequest(
                name: name, raw: .init(rtcChannel: relay.spec.channel, rtcStreamUid: uid), rtmpURL: rtmpURL,
                idleTimeout: options.idleTimeoutSeconds)
        case .transcode:
            let profile = Self.profile(of: relay.spec.transcoder)
            request = ConverterRequest(
                name: name,
                transcode: .init(
                    rtcChannel: relay.spec.channel,
                    audioOptions: .init(
                        sampleRate: profile.sampleRate, bitrate: profile.audioKbps, audioChannels: profile.channels,
                        rtcStreamUids: [uid]),
                    videoOptions: .singleUser(
                        uid, width: profile.width, height: profile.height, bitrateKbps: profile.videoKbps,
                        frameRate: profile.fps, gop: profile.gop)),
                rtmpURL: rtmpURL, idleTimeout: options.idleTimeoutSeconds)
        }
    }

    /// The route's one output as Agora will push to it: an `rtmp` sink's `url`, variables filled.
    static func directURL(_ spec: RelaySpec) throws(Problem) -> String {
        guard spec.outputs.count == 1, let output = spec.outputs.first else {
            throw .directNeedsOneRTMPOutput("the route has \(spec.outputs.count) outputs")
        }
        guard output.sink.type == "rtmp",
            let options = (try? JSONSerialization.jsonObject(with: Data(output.sink.options.utf8))) as? [String: Any],
            let template = options["url"] as? String
        else { throw .directNeedsOneRTMPOutput("output \"\(output.name)\" is not an rtmp platform") }
        let values = spec.values.merging(["channel": spec.channel, "route": spec.route]) { _, fixed in fixed }
        guard let url = try? Template.expand(template, values: values), url.hasPrefix("rtmp://") || url.hasPrefix("rtmps://")
        else { throw .directNeedsOneRTMPOutput("output \"\(output.name)\" has no rtmp:// or rtmps:// URL for this channel") }
        return url
    }

    struct Profile: Equatable {
        var width: Int
        var height: Int
        var fps: Int
        var videoKbps: Int
        var gop: Int
        var audioKbps: Int
        var sampleRate: Int
        var channels: Int
    }

    /// The route's profile (an `h264` or `auto` transcoder's options), held to the ranges
    /// Media Push accepts: the canvas fitted by `MediaPushCanvas`, ≤ 30 fps, 1…10000 kbps
    /// video, 32…128 kbps audio.
    static func profile(of transcoder: PluginConfig) -> Profile {
        let fallback = passthroughCanvas
        let options = (try? JSONSerialization.jsonObject(with: Data(transcoder.options.utf8))) as? [String: Any]
        let video = options?["video"] as? [String: Any]
        let audio = options?["audio"] as? [String: Any]
        func int(_ object: [String: Any]?, _ key: String) -> Int? { (object?[key] as? NSNumber)?.intValue }
        let fps = min(30, max(1, int(video, "fps") ?? fallback.fps))
        let gopMs = int(video, "gopMs") ?? 2000
        let sampleRate = int(audio, "sampleRate") ?? 48000
        let canvas = MediaPushCanvas.fit(
            width: int(video, "width") ?? fallback.width, height: int(video, "height") ?? fallback.height)
        return Profile(
            width: canvas.width,
            height: canvas.height,
            fps: fps,
            videoKbps: min(10000, max(1, (int(video, "bitrate").map { $0 / 1000 }) ?? fallback.kbps)),
            gop: max(1, gopMs * fps / 1000),
            audioKbps: min(128, max(32, (int(audio, "bitrate").map { $0 / 1000 }) ?? 128)),
            sampleRate: [32000, 44100, 48000].contains(sampleRate) ? sampleRate : 48000,
            channels: int(audio, "channels") == 1 ? 1 : 2)
    }
}
