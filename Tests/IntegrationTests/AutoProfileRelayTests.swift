import Foundation
import Testing
import TestSupport

/// `profile: auto` in the daemon: the relay's stats say whether it copies or encodes and
/// why, and what reaches nginx matches.
@Suite(.serialized)
struct AutoProfileRelayTests {
    @Test func statusSaysWhetherTheSourceIsCopiedOrEncodedAndWhy() async throws {
        let nginx = try await Nginx()
        let source = "source: { type: pull, url: \"\(nginx.publishURL("src", "seller"))\" }"
        let routes = """
            profiles:
              small-auto:
                type: auto
                video: { width: 426, height: 240, bitrate: 400k, preset: ultrafast }
            routes:
              fits:
                channel: copied
                \(source)
                profile: auto
                outputs: [nginx]
              too-big:
                channel: encoded
                \(source)
                profile: small-auto
                outputs: [nginx]
            """
        // A phone-like seller: 640x360, 25 fps, keyframe every second, AAC.
        let gateway = try await GatewayHarness(
            routes: routes, sellers: [.init(name: "seller", width: 640, height: 360)], nginx: nginx)
        defer { gateway.stop() }

        let reported = await eventually(timeout: .seconds(30)) {
            statsLine(gateway.log, channel: "copied")?.contains("processing=\"passthrough: the source meets the profile") == true
                && statsLine(gateway.log, channel: "encoded")?.contains(
                    "processing=\"transcoding: 640x360 exceeds 426x240\"") == true
                && nginx.segments("copied").count >= 3 && nginx.segments("encoded").count >= 3
        }
        #expect(reported, "log:\n\(gateway.log)")

        let copied = nginx.segments("copied").dropLast().map { "\(nginx.prefix.path)/hls/\($0)" }
        let encoded = nginx.segments("encoded").dropLast().map { "\(nginx.prefix.path)/hls/\($0)" }
        let copiedVideo = try #require(
            try FFprobe.streams("concat:" + copied.joined(separator: "|")).first { $0.codecType == "video" })
        let encodedVideo = try #require(
            try FFprobe.streams("concat:" + encoded.joined(separator: "|")).first { $0.codecType == "video" })
        #expect(copiedVideo.width == 640 && copiedVideo.height == 360 && copiedVideo.frameRate == 25)
        #expect(encodedVideo.width == 426 && encodedVideo.height == 240 && encodedVideo.frameRate == 30)
    }

    /// The latest periodic stats line of the relay for `channel`.
    func statsLine(_ log: String, channel: String) -> String? {
        log.split(separator: "\n").last { $0.contains("relay stats") && $0.contains("channel=\(channel) ") }.map(String.init)
    }
}
