import Foundation
import Testing
import TestSupport

/// Publishing to the gateway's own RTMP ingest (a harness made with `ingest: true`).
extension GatewayHarness {
    /// `rtmp://127.0.0.1:<ingest port>/<app>/<key>`.
    func url(_ app: String = "live", _ key: String) -> String {
        guard let ingestPort else { preconditionFailure("the gateway has no ingest") }
        return "rtmp://127.0.0.1:\(ingestPort)/\(app)/\(key)"
    }

    /// The ffmpeg CLI pushing `file` as it is (`-c copy`) in real time, once or looped.
    func push(_ file: String, to url: String, loop: Bool = false, name: String = "pusher") throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-re"] + (loop ? ["-stream_loop", "-1"] : [])
                + ["-i", file, "-c", "copy", "-f", "flv", url],
            logDirectory: scratch.path, name: name)
    }

    /// A generated H.264 + AAC FLV in the scratch folder (see `FFmpeg.generate`), 1 s GOP.
    func clip(_ name: String, seconds: Int, width: Int = 640, height: Int = 360, fps: Int = 25) throws -> String {
        let path = scratch.file("\(name).flv")
        try FFmpeg.generate(path, seconds: seconds, width: width, height: height, fps: fps, gopFrames: fps)
        return path
    }

    /// The publish URL of a relay (admin view of `ingest.url`).
    func ingestURL(_ channel: String) async throws -> String {
        guard let url = (try await api.existingRelay(channel)["ingest"] as? [String: Any])?["url"] as? String else {
            throw TestFailure("relay \(channel) has no ingest URL")
        }
        return url
    }

    /// The relay's state and its ingest endpoint's, as the API shows them.
    func states(_ channel: String) async -> (relay: String?, ingest: String?) {
        let relay = try? await api.relay(channel)
        return (relay?["state"] as? String, (relay?["ingest"] as? [String: Any])?["state"] as? String)
    }
}

/// A route named `name` serving `channel` (or `match`) from source `source`, passed through to nginx.
func ingestRoute(_ name: String, channel: String? = nil, match: String? = nil, source: String, extra: String = "") -> String {
    var text = "  \(name):\n"
    if let channel { text += "    channel: \(channel)\n" }
    if let match { text += "    match: \"\(match)\"\n" }
    text += "    source: \(source)\n    profile: passthrough\n    outputs: [nginx]\n\(extra)"
    return text
}

/// Per video frame of `url`: the MD5 of the decoded picture, in order.
func videoFrameHashes(_ url: String) throws -> [String] {
    let result = try runProgram(
        "/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", url, "-map", "0:v", "-f", "framemd5", "-"])
    guard result.status == 0 else { throw TestFailure("framemd5 of \(url): \(result.stderr)") }
    return result.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap {
        $0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}

/// A test publisher sending `flv` in a loop until stopped; throws unless it may publish.
func startPublishing(
    _ url: String, _ flv: RTMPTestPublisherFLV, encoder: String = "FMLE/3.0 (compatible; test)"
) async throws -> (RTMPTestPublisher, RTMPTestPublisherRun) {
    let publisher = try RTMPTestPublisher(url, options: .init(flashVersion: encoder))
    let outcome = try await RTMPTestPublisherThread.run { try publisher.publish() }
    guard outcome == .started else { throw TestFailure("publish to \(url): \(outcome)") }
    return (publisher, publisher.startSending(flv, .init(loops: nil)))
}

/// A pull route from nginx's `src/<source>` to platform `nginx` as channel `<channel>`.
func pullRoute(_ name: String, source: String, channel: String, nginx: Nginx) -> String {
    """
      \(name):
        channel: \(channel)
        source:
          type: pull
          url: "\(nginx.publishURL("src", source))"
        profile: passthrough
        outputs: [nginx]

    """
}

/// Checks what nginx made of stream `name`: H.264 at 854x480 and 30 fps plus AAC at 48 kHz
/// (the built-in `480p` profile). Probes the finished segments themselves, because nginx's
/// live playlist has no end marker and probing it can hang.
func expect480pHLS(_ nginx: Nginx, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let segments = nginx.segments(name).dropLast().map { "\(nginx.prefix.path)/hls/\($0)" }
    let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
    let video = try #require(streams.first { $0.codecType == "video" }, sourceLocation: sourceLocation)
    let audio = try #require(streams.first { $0.codecType == "audio" }, sourceLocation: sourceLocation)
    #expect(video.codecName == "h264" && video.width == 854 && video.height == 480, sourceLocation: sourceLocation)
    #expect(abs((video.frameRate ?? 0) - 30) < 0.01, "\(video)", sourceLocation: sourceLocation)
    #expect(audio.codecName == "aac" && audio.sampleRate == 48000, sourceLocation: sourceLocation)
}

/// relay_status | hls_playback_url | stream_mode of channel row `id`.
func channelStatus(_ postgres: Postgres, id: Int) throws -> String {
    try postgres.psql(
        "SELECT relay_status || '|' || coalesce(hls_playback_url, 'NULL') || '|' || stream_mode FROM channels WHERE id = \(id)")
}
