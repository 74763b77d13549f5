import Foundation
import RelayConfig
import RelayCore
import Testing

@Suite struct ConfigDiffTests {
    func config(_ routes: String, platforms: String = "", profiles: String = "") throws -> GatewayConfig {
        let directory = try temporaryConfig([
            "conf.d/10-profiles.yaml": "profiles:\n  smooth: { type: passthrough, max_jump: 1s }\n" + profiles,
            "conf.d/20-platforms.yaml": """
            platforms:
              local: { type: rtmp, url: "rtmp://127.0.0.1/live/{channel}" }
              backup: { type: rtmp, url: "rtmp://10.0.0.2/live/{channel}" }

            """ + platforms,
            "conf.d/30-routes.yaml": "routes:\n" + routes,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
    }

    static func route(_ name: String, channel: String = "c", url: String = "rtmp://127.0.0.1/in/x",
                      profile: String = "passthrough", outputs: String = "[local]") -> String {
        "  \(name): { channel: \(channel), source: { type: pull, url: \"\(url)\" }, profile: \(profile), outputs: \(outputs) }\n"
    }

    @Test func classifiesRoutes() throws {
        let old = try config(
            Self.route("same") + Self.route("gone") + Self.route("source", url: "rtmp://a/in/x")
                + Self.route("profile") + Self.route("outputs") + Self.route("channel"))
        let new = try config(
            Self.route("channel", channel: "other") + Self.route("same") + Self.route("source", url: "rtmp://b/in/x")
                + Self.route("profile", profile: "smooth") + Self.route("outputs", outputs: "[local, backup]")
                + Self.route("fresh"))
        let diff = new.diff(from: old)
        #expect(diff.added == ["fresh"])
        #expect(diff.removed == ["gone"])
        #expect(diff.changed == ["channel", "source", "profile", "outputs"])
        #expect(diff.unchanged == ["same"])
        #expect(!diff.settingsChanged)
        #expect(old.diff(from: old) == ConfigDiff(unchanged: old.routes.map(\.name)))
    }

    /// A route is changed when something it resolves to changes, even in another file.
    @Test func changesInProfilesAndPlatformsReachTheirRoutes() throws {
        let routes = Self.route("viaProfile", profile: "smooth") + Self.route("viaPlatform", outputs: "[backup]")
            + Self.route("untouched")
        let old = try config(routes)
        let new = try config(
            routes, platforms: "  extra: { type: rtmp, url: \"rtmp://10.0.0.3/live/x\" }\n",
            profiles: "  unused: { type: passthrough }\n")
        #expect(new.diff(from: old).changed.isEmpty)

        var edited = old
        edited.profiles["smooth"] = try #require(new.profiles["unused"]).renamed("smooth")
        edited.platforms["backup"]?.sink = try #require(new.platforms["extra"]).sink
        edited.settings.sinkQueuePackets = 99
        let diff = edited.diff(from: old)
        #expect(diff.changed == ["viaProfile", "viaPlatform"])
        #expect(diff.unchanged == ["untouched"])
        #expect(diff.settingsChanged)
    }
}

extension ProfileConfig {
    fileprivate func renamed(_ name: String) -> ProfileConfig {
        ProfileConfig(name: name, transcoder: transcoder, location: location)
    }
}
