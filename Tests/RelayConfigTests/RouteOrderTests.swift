import Foundation
import RelayConfig
import RelayCore
import Testing

/// First match wins, in config order: conf.d files by name, then position in the file.
/// Route names play no part (`zz-first` is in the earlier file, so it comes first).
struct RouteOrderTests {
    static func route(_ name: String, _ match: String) -> String {
        """
          \(name):
            match: '\(match)'
            source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
            outputs: [local]

        """
    }

    @Test func firstMatchingRouteWinsAcrossFiles() throws {
        let directory = try temporaryConfig([
            "conf.d/00-platforms.yaml": "platforms:\n  local: { type: rtmp, url: \"rtmp://127.0.0.1/live/{channel}\" }\n",
            // Written second on purpose: files are ordered by name, not by when they were written.
            "conf.d/20-second.yaml": "routes:\n" + Self.route("aa-sellers", "~seller_(?<channelId>\\d+)")
                + Self.route("aa-any", "~.+"),
            "conf.d/10-first.yaml": "routes:\n" + Self.route("zz-first", "seller_{channelId}")
                + Self.route("zz-lobby", "lobby_{room}"),
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: directory)
        #expect(config.routes.map(\.name) == ["zz-first", "zz-lobby", "aa-sellers", "aa-any"])

        func chosen(_ channel: String) -> String? {
            let byMatch = config.route(matching: channel)?.route.name
            let byRequest = try? config.route(for: channel, named: nil).get().name
            #expect(byMatch == byRequest, "\(channel)")
            return byMatch
        }
        #expect(chosen("seller_42") == "zz-first")
        #expect(chosen("lobby_main") == "zz-lobby")
        // Only the later file's catch-all serves a channel the earlier routes refuse.
        #expect(chosen("seller_abc") == "aa-any")
        #expect(config.route(matching: "seller_42")?.captures == ["channelId": "42"])
    }
}
