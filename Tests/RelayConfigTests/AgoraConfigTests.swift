import AgoraSource
import Foundation
import RelayConfig
import RelayCore
import Testing

/// `agora:` in relaygate.yaml and routes with `source: { type: agora }`.
@Suite struct AgoraConfigTests {
    static let agora = """
        agora:
          app_id: "970ca35de60c44645bbae8a215061b33"
          customer_id: "${AGORA_CUSTOMER_ID}"
          customer_secret: "${AGORA_CUSTOMER_SECRET}"
          ncs_secret: "${AGORA_NCS_SECRET}"
          region: eu

        """
    static let environment = ["AGORA_CUSTOMER_ID": "cid", "AGORA_CUSTOMER_SECRET": "csecret-value", "AGORA_NCS_SECRET": "ncs"]

    static func route(_ source: String) -> String {
        """
        platforms:
          local: { type: rtmp, url: "rtmp://127.0.0.1/live/{channel}" }
        routes:
          sellers:
            match: "seller_{channelId}"
            source: \(source)
            outputs: [local]

        """
    }

    static func load(_ settings: String, _ routes: String) throws(ConfigErrors) -> GatewayConfig {
        let directory = try! temporaryConfig(["relaygate.yaml": settings, "conf.d/30-routes.yaml": routes])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: testRegistry, environment: environment).load(directory: directory)
    }

    static func errors(_ settings: String, _ routes: String) -> [String] {
        do {
            _ = try load(settings, routes)
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func settingsAndSourceOptionsDecode() throws {
        let config = try Self.load(Self.agora, Self.route("{ type: agora, push: transcode, seller_codec: vp8, idle_timeout: 60s, attempts: 5 }"))
        // The section is the agora companion's: decoded by its plugin, kept as canonical JSON.
        let agora = try #require(config.settings.companions["agora"].flatMap(AgoraSettings.init(json:)))
        #expect(agora.appID == "970ca35de60c44645bbae8a215061b33" && agora.region == "eu")
        #expect(agora.customerSecret == "csecret-value" && agora.notificationSecret == "ncs")
        #expect(agora.apiURL == "https://api.agora.io" && agora.restBackoff == .seconds(5) && agora.restRetries == 3)
        let options = try JSONDecoder().decode(
            AgoraSourceOptions.self, from: Data(try #require(config.routes.first).source.options.utf8))
        #expect(options == AgoraSourceOptions(seller: .broadcaster, push: .transcode, sellerCodec: .vp8, idleTimeoutSeconds: 60, attempts: 5))
        #expect(testRegistry.ingestEndpoint(for: try #require(config.routes.first).source)?.app == "agora")
    }

    @Test func anAgoraRouteNeedsTheAgoraSection() {
        let errors = Self.errors("", Self.route("{ type: agora }"))
        #expect(errors.contains { $0.contains("source \"agora\" needs the \"agora\" section in relaygate.yaml") }, "\(errors)")
        #expect(errors.first?.contains("30-routes.yaml:") == true, "\(errors)")
    }

    @Test func badValuesAreReportedWithPositionsAndNoSecrets() {
        let settings = """
            agora:
              app_id: "not-hex"
              customer_id: cid
              customer_secret: "${AGORA_CUSTOMER_SECRET}"
              region: NA
              api_url: "http://api.agora.io"

            """
        let errors = Self.errors(settings, Self.route("{ type: agora, push: raw, seller_codec: vp8, seller: \"uid-7\" }"))
        #expect(errors.contains { $0.contains("relaygate.yaml:2:") && $0.contains("32 hexadecimal") }, "\(errors)")
        #expect(errors.contains { $0.contains("relaygate.yaml:5:") && $0.contains("region") }, "\(errors)")
        #expect(errors.contains { $0.contains("relaygate.yaml:6:") && $0.contains("https://") }, "\(errors)")
        #expect(errors.contains { $0.contains("cannot carry VP8") }, "\(errors)")
        #expect(errors.contains { $0.contains("\"seller\" must be \"broadcaster\" or a uid") }, "\(errors)")
        #expect(!errors.joined().contains("csecret-value"), "a secret reached an error: \(errors)")
    }

    @Test func validateNotesAProfileMediaPushCarriesSmaller() throws {
        let routes = """
            profiles:
              uhd: { type: h264, video: { width: 3840, height: 2160, fps: 30, bitrate: 8000k } }
            platforms:
              local: { type: rtmp, url: "rtmp://127.0.0.1/live/{channel}" }
            routes:
              sellers: { match: "seller_{channelId}", source: { type: agora }, profile: uhd, outputs: [local] }
              raw: { match: "raw_{channelId}", source: { type: agora, push: raw }, profile: uhd, outputs: [local] }
              fits: { match: "fit_{channelId}", source: { type: agora }, profile: 720p, outputs: [local] }

            """
        let config = try Self.load(Self.agora, routes)
        #expect(config.notes.map(\.message) == [
            "route \"sellers\": profile is 3840x2160; Agora Media Push transcodes at most 1920x1080, so its converter's canvas is 1920x1080"
        ])
        #expect(config.notes.first?.location?.line == 6)
    }
}
