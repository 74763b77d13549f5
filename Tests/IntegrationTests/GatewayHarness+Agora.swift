import Foundation
import Testing
import TestSupport

/// The whole Agora path on one machine: Agora's cloud faked (`FakeAgora`: Media Push REST
/// with its documented validation, converters that really push with ffmpeg, signed NCS
/// webhooks whose replies the harness checks against the served document), and everything
/// else real: the gateway with its RTMP ingest, control API and webhook receiver.
struct AgoraSetup: Sendable {
    /// More keys of the agora source.
    var source = "idle_timeout: 10s"
    /// More keys of `agora:`.
    var settings = ""
    var reconnectWindow = "4s"
    /// What the gateway sends as `agora.customer_secret` (the fake's own unless a test wants
    /// Agora to refuse it).
    var customerSecret = FakeAgora.Credentials.test.customerSecret

    /// Route `sellers` matches `seller_{channelId}` with source `agora` (passthrough, so
    /// converters push raw).
    var routes: String {
        """
        routes:
          sellers:
            match: "seller_{channelId}"
            source: { type: agora, \(source) }
            profile: passthrough
            outputs: [nginx]
            reconnect_window: \(reconnectWindow)

        """
    }

    var environment: [String: String] {
        let credentials = FakeAgora.Credentials.test
        return [
            "AGORA_CUSTOMER_ID": credentials.customerID, "AGORA_CUSTOMER_SECRET": customerSecret,
            "AGORA_NCS_SECRET": credentials.ncsSecret,
        ]
    }

    func settings(fakeURL: String) -> String {
        let extra = settings.split(separator: "\n").map { "  \($0)\n" }.joined()
        return """
            agora:
              app_id: "\(FakeAgora.Credentials.test.appID)"
              customer_id: "${AGORA_CUSTOMER_ID}"
              customer_secret: "${AGORA_CUSTOMER_SECRET}"
              ncs_secret: "${AGORA_NCS_SECRET}"
              region: na
              api_url: "\(fakeURL)"
              rest_retries: 2
              rest_backoff: 300ms
              poll_interval: 1s
              viewers_interval: 1s

            """ + extra
    }
}

extension GatewayHarness {
    /// A gateway serving Agora sellers (route `sellers`, see `AgoraSetup`), with a migrated
    /// PostgreSQL unless `database` is false.
    static func agora(_ setup: AgoraSetup = AgoraSetup(), database: Bool = true) async throws -> GatewayHarness {
        try await GatewayHarness(routes: setup.routes, database: database, agora: setup)
    }

    /// The fake cloud (only in a harness made with `agora`).
    var cloud: FakeAgora {
        guard let agora else { preconditionFailure("no fake Agora in this harness") }
        return agora
    }

    /// The converter Creates the gateway sent.
    var creates: [FakeAgora.Call] {
        cloud.calls().filter { $0.method == "POST" && $0.path.hasSuffix("/rtmp-converters") }
    }

    var deletes: [FakeAgora.Call] { cloud.calls().filter { $0.method == "DELETE" } }

    /// True once the API answers 404 for the channel.
    func hasNoRelay(_ channel: String) async -> Bool {
        (try? await api.get("/v1/relays/\(channel)"))?.status == 404
    }

    func upstream(_ channel: String) async -> [String: Any]? {
        (try? await api.relay(channel))??["upstream"] as? [String: Any]
    }

    /// What the relay's ingest endpoint says: `waiting` or `publishing` (nil without a relay).
    func ingestState(_ channel: String) async -> String? {
        ((try? await api.relay(channel))??["ingest"] as? [String: Any])?["state"] as? String
    }

    /// `relay_status|stream_mode|hls_playback_url` of channel row `id`.
    func channelRow(_ id: Int) throws -> String {
        guard let postgres else { throw TestFailure("no database") }
        return try postgres.psql(
            "SELECT relay_status || '|' || stream_mode || '|' || coalesce(hls_playback_url, 'NULL') FROM channels WHERE id = \(id)")
    }

    /// The reasons of channel `id`'s relay_events of kind `event`, oldest first.
    func events(_ id: Int, kind: String) throws -> [String] {
        guard let postgres else { throw TestFailure("no database") }
        let text = try postgres.psql(
            "SELECT coalesce(reason, '') FROM relay_events WHERE channel_id = \(id) AND event = '\(kind)' ORDER BY id")
        return text.split(separator: "\n").map(String.init)
    }

    /// HLS that plays: recent finished segments hold H.264 and AAC.
    func expectPlayableHLS(_ channel: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let flowing = await eventually(timeout: .seconds(30), every: .milliseconds(300)) { nginx.segments(channel).count >= 3 }
        #expect(flowing, "no HLS for \(channel); log:\n\(log.suffix(3000))", sourceLocation: sourceLocation)
        guard flowing else { return }
        let segments = nginx.segments(channel).dropLast().suffix(2).map { "\(nginx.prefix.path)/hls/\($0)" }
        let streams = try FFprobe.streams("concat:" + segments.joined(separator: "|"))
        #expect(streams.contains { $0.codecType == "video" && $0.codecName == "h264" }, "\(streams)", sourceLocation: sourceLocation)
        #expect(streams.contains { $0.codecType == "audio" && $0.codecName == "aac" }, "\(streams)", sourceLocation: sourceLocation)
    }
}
