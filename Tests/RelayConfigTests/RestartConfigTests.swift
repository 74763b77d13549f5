import Foundation
import RelayConfig
import RelayCore
import Testing

/// A route's `restart:` and how `restart_delay` fills what it leaves out.
@Suite struct RestartConfigTests {
    func load(settings: String = "", restart: String?) throws -> GatewayConfig {
        let route = """
            routes:
              sellers:
                match: "seller_{channelId}"
                source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
            \(restart.map { "    restart: \($0)" } ?? "")
            """
        let directory = try temporaryConfig([
            "relaygate.yaml": settings, "conf.d/20-platforms.yaml": LoaderTests.platforms, "conf.d/30-routes.yaml": route,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: testRegistry, environment: testEnvironment).load(directory: directory)
    }

    @Test func withoutRestartTheDefaultsApply() throws {
        #expect(try load(restart: nil).routes[0].restart == RestartPolicy())
    }

    @Test func everyKeyIsRead() throws {
        let policy = try load(restart: "{ backoff: 250ms..2m, give_up_after: 3 in 90s, stable_after: 1m }").routes[0].restart
        #expect(
            policy
                == RestartPolicy(
                    initialBackoff: .milliseconds(250), maxBackoff: .seconds(120), giveUpAfter: 3, window: .seconds(90),
                    stableAfter: .seconds(60)))
    }

    /// `restart_delay` stays valid: it is the first backoff wherever a route does not set one.
    @Test func restartDelayIsTheDefaultFirstBackoff() throws {
        let partial = try load(settings: "restart_delay: 2s\n", restart: "{ give_up_after: 10 in 1h }").routes[0].restart
        #expect(partial.initialBackoff == .seconds(2) && partial.maxBackoff == .seconds(60))
        #expect(partial.giveUpAfter == 10 && partial.window == .seconds(3600) && partial.stableAfter == .seconds(30))
        let long = try load(settings: "restart_delay: 90s\n", restart: nil).routes[0].restart
        #expect(long.initialBackoff == .seconds(90) && long.maxBackoff == .seconds(90))
    }
}
