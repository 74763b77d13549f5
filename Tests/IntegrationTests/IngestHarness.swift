import Foundation
import Testing
import TestSupport

/// A `relaygate run` whose RTMP ingest listens on a free loopback port, pushing to a real
/// nginx-rtmp (platform `nginx`: `live/{channel}`, HLS with 1 s fragments), optionally with
/// its control API.
struct IngestHarness {
    static let adminToken = "admin-\(UUID().uuidString)"

    let nginx: Nginx
    let gateway: Gateway
    let ingestPort: Int
    let scratch: TempDirectory
    /// The control API, when asked for.
    let http: HTTPClient?
    /// What the gateway was started with, for starting another on the same config.
    let routes: String
    let settings: String

    /// `ingest` and `settings` are more relaygate.yaml lines (`ingest` inside `ingest:`).
    init(
        routes: String, ingest: String = "", settings: String = "", api: Bool = false, nginx: Nginx? = nil,
        ingestPort: Int = FreePort.next()
    ) async throws {
        if let nginx {
            self.nginx = nginx
        } else {
            self.nginx = try await Nginx()
        }
        self.ingestPort = ingestPort
        scratch = try TempDirectory("ingest")
        var text = "stats_interval: 2s\nrestart_delay: 500ms\n\(settings)"
        var apiPort: Int?
        if api {
            let port = FreePort.next()
            apiPort = port
            text += "api:\n  listen: 127.0.0.1:\(port)\n  tokens: [{ token: \"${RELAYGATE_ADMIN_TOKEN}\", scope: admin }]\n"
        }
        text += "ingest:\n  listen: 127.0.0.1:\(ingestPort)\n\(ingest)"
        self.routes = routes
        self.settings = text
        gateway = try Gateway(
            nginx: self.nginx, routes: routes, settings: text, environment: ["RELAYGATE_ADMIN_TOKEN": Self.adminToken])
        http = apiPort.map { HTTPClient(baseURL: "http://127.0.0.1:\($0)") }
        let listening = await eventually(timeout: .seconds(10)) {
            FreePort.isListening(ingestPort) && (apiPort.map { FreePort.isListening($0) } ?? true)
        }
        guard listening else { throw TestFailure("ingest not listening; log:\n\(gateway.log)") }
    }

    /// Another `relaygate run` on the same config (after this one was killed, say).
    func startAnotherGateway() throws -> Gateway {
        try Gateway(nginx: nginx, routes: routes, settings: settings, environment: ["RELAYGATE_ADMIN_TOKEN": Self.adminToken])
    }

    func url(_ app: String = "live", _ key: String) -> String { "rtmp://127.0.0.1:\(ingestPort)/\(app)/\(key)" }

    /// The ffmpeg CLI pushing `file` as it is (`-c copy`) in real time, once or looped.
    func push(_ file: String, to url: String, loop: Bool = false, name: String = "pusher") throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-nostdin", "-loglevel", "error", "-re"] + (loop ? ["-stream_loop", "-1"] : [])
                + ["-i", file, "-c", "copy", "-f", "flv", url],
            logDirectory: scratch.path, name: name)
    }

    /// A generated H.264 + AAC FLV in the scratch folder (see `FFmpeg.generate`).
    func clip(_ name: String, seconds: Int, width: Int = 640, height: Int = 360, fps: Int = 25) throws -> String {
        let path = scratch.file("\(name).flv")
        try FFmpeg.generate(path, seconds: seconds, width: width, height: height, fps: fps, gopFrames: fps)
        return path
    }

    /// One relay as the API shows it to an admin.
    func relay(_ channel: String) async throws -> [String: Any] {
        guard let relay = try await relayIfAny(channel) else { throw TestFailure("GET \(channel): no such relay") }
        return relay
    }

    /// Nil when the API says the channel has no relay (404).
    func relayIfAny(_ channel: String) async throws -> [String: Any]? {
        guard let http else { throw TestFailure("no API") }
        let reply = try await http.send("GET", "/v1/relays/\(channel)", token: Self.adminToken)
        if reply.status == 404 { return nil }
        guard reply.status == 200, let relay = reply.json as? [String: Any] else { throw TestFailure("GET \(channel): \(reply)") }
        return relay
    }

    /// Starts a relay through the API; returns it as the API shows it to an admin.
    func start(_ channel: String, route: String? = nil) async throws -> [String: Any] {
        guard let http else { throw TestFailure("no API") }
        var body: [String: Any] = ["channelId": channel, "sellerUid": "uid-\(channel)"]
        if let route { body["route"] = route }
        let reply = try await http.send("POST", "/v1/relays", token: Self.adminToken, json: body)
        guard reply.status == 200, let relay = reply.json as? [String: Any] else { throw TestFailure("POST \(channel): \(reply)") }
        return relay
    }

    /// The publish URL of a relay (admin view of `ingest.url`).
    func ingestURL(_ channel: String) async throws -> String {
        guard let url = (try await relay(channel)["ingest"] as? [String: Any])?["url"] as? String else {
            throw TestFailure("relay \(channel) has no ingest URL")
        }
        return url
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
