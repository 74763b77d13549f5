import Agora
@testable import AgoraSource
import Foundation
import RelayCore
import Testing

@Suite struct ConverterPlanTests {
    static func relay(transcoder: PluginConfig, seller: String? = "4242") -> CompanionRelay {
        CompanionRelay(
            id: "sellers/seller_42",
            spec: RelaySpec(
                route: "sellers", channel: "seller_42", source: PluginConfig(kind: .source, type: "agora", options: "{}"),
                transcoder: transcoder, outputs: []),
            stage: .source, sellerUID: seller, ingestURL: "rtmp://10.0.0.5:1935/agora/KEY")
    }

    static let passthrough = PluginConfig(kind: .transcoder, type: "passthrough", options: "{}")
    static let h264 = PluginConfig(
        kind: .transcoder, type: "h264",
        options: #"{"audio":{"bitrate":128000,"channels":2,"sampleRate":44100},"video":{"bitrate":3000000,"fps":30,"gopMs":2000,"height":720,"width":1280}}"#)

    @Test func anH264SellerOnAPassthroughRouteIsPushedRaw() throws {
        let plan = try ConverterPlan(relay: Self.relay(transcoder: Self.passthrough), options: AgoraSourceOptions())
        #expect(plan.mode == .raw)
        #expect(plan.request.converter.rawOptions == .init(rtcChannel: "seller_42", rtcStreamUid: 4242))
        #expect(plan.request.converter.transcodeOptions == nil)
        #expect(plan.request.converter.rtmpUrl == "rtmp://10.0.0.5:1935/agora/KEY")
        #expect(plan.request.converter.idleTimeOut == 300)
    }

    @Test func aVP8SellerOrAnEncodingRouteIsTranscodedToTheProfile() throws {
        let vp8 = try ConverterPlan(
            relay: Self.relay(transcoder: Self.passthrough), options: AgoraSourceOptions(sellerCodec: .vp8))
        #expect(vp8.mode == .transcode)
        #expect(vp8.request.converter.transcodeOptions?.videoOptions.canvas.width == 1280)

        let plan = try ConverterPlan(relay: Self.relay(transcoder: Self.h264), options: AgoraSourceOptions())
        let options = try #require(plan.request.converter.transcodeOptions)
        #expect(plan.mode == .transcode)
        #expect(options.rtcChannel == "seller_42")
        #expect(options.videoOptions.canvas.width == 1280 && options.videoOptions.canvas.height == 720)
        #expect(options.videoOptions.bitrate == 3000 && options.videoOptions.frameRate == 30 && options.videoOptions.gop == 60)
        #expect(options.videoOptions.layout.map(\.rtcStreamUid) == [4242])
        #expect(options.audioOptions.rtcStreamUids == [4242])
        #expect(options.audioOptions.bitrate == 128 && options.audioOptions.sampleRate == 44100)
        // The JSON Agora gets: one of the two option sets, nothing null.
        let json = String(decoding: try JSONEncoder().encode(plan.request), as: UTF8.self)
        #expect(!json.contains("rawOptions") && !json.contains("null"), "\(json)")
    }

    @Test func profilesBeyondMediaPushLimitsAreClamped() {
        let big = PluginConfig(
            kind: .transcoder, type: "h264",
            options: #"{"audio":{"bitrate":320000,"channels":6,"sampleRate":96000},"video":{"bitrate":20000000,"fps":60,"gopMs":1000,"height":2160,"width":3840}}"#)
        let profile = ConverterPlan.profile(of: big)
        // 4K is scaled into Media Push's 1920×1080 with its 16:9 kept, not clamped per side.
        #expect(profile.width == 1920 && profile.height == 1080 && profile.fps == 30 && profile.videoKbps == 10000)
        #expect(profile.gop == 30 && profile.audioKbps == 128 && profile.sampleRate == 48000 && profile.channels == 2)
    }

    @Test func aTranscodingConverterAsksForTheFittedCanvas() throws {
        let uhd = PluginConfig(
            kind: .transcoder, type: "h264", options: #"{"video":{"bitrate":8000000,"fps":30,"height":2160,"width":4096}}"#)
        let plan = try ConverterPlan(relay: Self.relay(transcoder: uhd), options: AgoraSourceOptions())
        let video = try #require(plan.request.converter.transcodeOptions?.videoOptions)
        #expect(video.canvas.width == 1920 && video.canvas.height == 1012, "\(video.canvas)")
        // The seller's view fills the canvas it is given.
        #expect(video.layout.first?.region.width == 1920 && video.layout.first?.region.height == 1012)
    }

    @Test func aSellerMustBeAnAgoraUID() {
        #expect(throws: ConverterPlan.Problem.noSeller) {
            try ConverterPlan(relay: Self.relay(transcoder: Self.passthrough, seller: nil), options: AgoraSourceOptions())
        }
        #expect(throws: ConverterPlan.Problem.badSeller("uid-7")) {
            try ConverterPlan(relay: Self.relay(transcoder: Self.passthrough, seller: "uid-7"), options: AgoraSourceOptions())
        }
        let fixed = try? ConverterPlan(
            relay: Self.relay(transcoder: Self.passthrough, seller: nil), options: AgoraSourceOptions(seller: .uid(9)))
        #expect(fixed?.sellerUID == 9)
    }

    @Test func converterNamesAreAgoraSafeUniqueAndStable() {
        let name = ConverterName.make(route: "sellers", channel: "seller_42")
        #expect(name == ConverterName.make(route: "sellers", channel: "seller_42"))
        #expect(name.hasPrefix("relaygate-sellers-seller_42-"))
        #expect(ConverterName.isOurs(name))
        let odd = ConverterName.make(route: "r.1", channel: "a b#c!" + String(repeating: "x", count: 80))
        #expect(odd.count <= 64)
        #expect(odd.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }, "\(odd)")
        // Pairs that sanitize alike still get different names.
        #expect(ConverterName.make(route: "a", channel: "b c") != ConverterName.make(route: "a", channel: "b_c"))
        #expect(!ConverterName.isOurs("show68_raw"))
    }

    @Test func directModePushesToTheRoutesOneRTMPOutput() throws {
        var relay = Self.relay(transcoder: Self.passthrough)
        relay.ingestURL = nil
        relay.spec.values = ["channelId": "42"]
        relay.spec.outputs = [
            .init(name: "cf", sink: PluginConfig(kind: .sink, type: "rtmp", options: #"{"url":"rtmps://live.example.com:443/live/{channelId}-key"}"#))
        ]
        let plan = try ConverterPlan(relay: relay, options: AgoraSourceOptions(direct: true))
        #expect(plan.direct)
        #expect(plan.request.converter.rtmpUrl == "rtmps://live.example.com:443/live/42-key")

        relay.spec.outputs.append(relay.spec.outputs[0])
        #expect(throws: ConverterPlan.Problem.self) { try ConverterPlan(relay: relay, options: AgoraSourceOptions(direct: true)) }
        relay.spec.outputs = [.init(name: "disk", sink: PluginConfig(kind: .sink, type: "file", options: #"{"path":"/x"}"#))]
        #expect(throws: ConverterPlan.Problem.self) { try ConverterPlan(relay: relay, options: AgoraSourceOptions(direct: true)) }
    }
}
