import Foundation
import RelayConfig
import RelayCore
import RTMPSink
import Testing

@Suite struct LoaderTests {
    func load(_ files: [String: String], environment: [String: String] = testEnvironment) throws -> GatewayConfig {
        let directory = try temporaryConfig(files)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try ConfigLoader(registry: testRegistry, environment: environment).load(directory: directory)
    }

    static let platforms = """
        platforms:
          local:
            type: rtmp
            url: rtmp://127.0.0.1:1935/live/{channel}
            playback_url: http://127.0.0.1:8080/hls/{channel}.m3u8
        """

    /// The repository's own `conf.d/` next to `packaging/relaygate.yaml`, as installed in /etc/relaygate.
    @Test func shippedExamplesLoad() throws {
        var files: [String: String] = [:]
        let confD = repositoryRoot + "/conf.d"
        for name in try FileManager.default.contentsOfDirectory(atPath: confD) {
            files["conf.d/" + name] = try String(contentsOfFile: confD + "/" + name, encoding: .utf8)
        }
        files["relaygate.yaml"] = try String(contentsOfFile: repositoryRoot + "/packaging/relaygate.yaml", encoding: .utf8)
        #expect(files.count == 4)

        let config = try load(files, environment: [:])
        #expect(config.settings == GlobalSettings())
        #expect(Set(config.profiles.keys) == Set(BuiltinProfiles.names))
        #expect(config.platforms["local"]?.playbackURL == "http://127.0.0.1:8080/hls/{channel}.m3u8")
        #expect(config.routes.map(\.name) == ["sellers"])
        #expect(config.staticRoutes.isEmpty)
        let matched = try #require(config.route(matching: "seller_42"))
        #expect(matched.route.name == "sellers")
        #expect(matched.captures == ["channelId": "42"])
    }

    /// The repository root itself is a valid config directory (no relaygate.yaml: defaults).
    @Test func repositoryRootLoadsWithDefaults() throws {
        let config = try ConfigLoader(registry: testRegistry, environment: [:]).load(directory: repositoryRoot)
        #expect(config.settings == GlobalSettings())
        #expect(config.routes.count == 1)
    }

    @Test func emptyDirectoryGivesDefaultsAndBuiltInProfile() throws {
        let config = try load(["conf.d/00-empty.yaml": "# nothing yet\n"])
        #expect(config.settings.logLevel == "info")
        #expect(config.settings.statsInterval == .seconds(10))
        #expect(config.settings.stopTimeout == .seconds(10))
        #expect(config.settings.restartDelay == .seconds(1))
        #expect(config.settings.sinkQueuePackets == 1024)
        let passthrough = try #require(config.profiles["passthrough"])
        #expect(passthrough.transcoder.kind == .transcoder)
        #expect(passthrough.transcoder.type == "passthrough")
        #expect(passthrough.location == nil)
        #expect(config.routes.isEmpty)
    }

    @Test func globalSettingsAreRead() throws {
        let config = try load([
            "relaygate.yaml": """
            log_level: debug
            stats_interval: 2s
            stop_timeout: 1m
            restart_delay: 0s
            sink_queue_packets: 64
            """
        ])
        #expect(
            config.settings
                == GlobalSettings(
                    logLevel: "debug", statsInterval: .seconds(2), stopTimeout: .seconds(60), restartDelay: .zero,
                    sinkQueuePackets: 64))
    }

    @Test func databaseSectionIsReadWithDefaults() throws {
        let minimal = try load(["relaygate.yaml": "database:\n  url: \"${DATABASE_URL}\"\n"], environment: [
            "DATABASE_URL": "postgres://relay:pw@db:5432/relay"
        ])
        #expect(minimal.settings.database == DatabaseSettings(url: "postgres://relay:pw@db:5432/relay"))
        #expect(minimal.settings.database?.metricsInterval == .seconds(10))
        #expect(minimal.settings.database?.queueLimit == 10_000)

        let full = try load([
            "relaygate.yaml": "database: { url: \"postgresql://db/relay\", metrics_interval: 30s, queue_limit: 500 }\n"
        ])
        #expect(
            full.settings.database
                == DatabaseSettings(url: "postgresql://db/relay", metricsInterval: .seconds(30), queueLimit: 500))
        #expect(try load(["relaygate.yaml": "log_level: info\n"]).settings.database == nil)
    }

    @Test func ingestSectionAndRTMPSourcesAreRead() throws {
        let config = try load([
            "relaygate.yaml": """
            ingest:
              listen: 0.0.0.0:1936
              public_url: rtmp://ingest.example.com
              max_connections: 50
              chunk_size: 60000
              max_message_size: 4M
              handshake_timeout: 5s
              idle_timeout: 1m
              queue: 1M
            """,
            "conf.d/20-platforms.yaml": "platforms:\n  local: { type: rtmp, url: \"rtmp://127.0.0.1/live/{channel}\" }\n",
            "conf.d/30-routes.yaml": """
            routes:
              sellers:
                match: "seller_{id}"
                source: { type: rtmp }
                outputs: [local]
              studio:
                channel: studio
                source: { type: rtmp, app: studio, key: "${STREAM_KEY}", takeover: true, publish_timeout: 30s }
                outputs: [local]
            """,
        ])
        #expect(
            config.settings.ingest
                == IngestSettings(
                    host: "0.0.0.0", port: 1936, publicURL: "rtmp://ingest.example.com", maxConnections: 50, chunkSize: 60000,
                    maxMessageSize: 4 * 1024 * 1024, handshakeTimeout: .seconds(5), idleTimeout: .seconds(60),
                    queueBytes: 1024 * 1024))
        #expect(config.settings.ingest?.effectivePublicURL == "rtmp://ingest.example.com")
        #expect(config.needsIngest(testRegistry))
        #expect(testRegistry.ingestEndpoint(for: config.routes[0].source) == IngestEndpoint(app: "live"))
        #expect(
            testRegistry.ingestEndpoint(for: config.routes[1].source)
                == IngestEndpoint(app: "studio", key: testEnvironment["STREAM_KEY"], takeover: true))

        // Without `ingest:` the defaults apply, and only a route pushed to needs the listener.
        let plain = try load([
            "conf.d/20-platforms.yaml": "platforms:\n  local: { type: rtmp, url: \"rtmp://127.0.0.1/live/{channel}\" }\n",
            "conf.d/30-routes.yaml": "routes:\n  r: { channel: c, source: { type: testsrc }, profile: 720p, outputs: [local] }\n",
        ])
        #expect(plain.settings.ingest == nil && !plain.needsIngest(testRegistry))
        #expect(IngestSettings().effectivePublicURL == "rtmp://127.0.0.1:1935")
        #expect(IngestSettings(host: "::1", port: 1936).effectivePublicURL == "rtmp://[::1]:1936")
    }

    @Test func userDefinedPassthroughReplacesTheBuiltIn() throws {
        let config = try load(["conf.d/10-profiles.yaml": "profiles:\n  passthrough: { type: passthrough, max_jump: 2s }\n"])
        let profile = try #require(config.profiles["passthrough"])
        #expect(profile.transcoder.options.contains("2000"))
        #expect(profile.location?.line == 2)
        let builtIn = try load(["conf.d/.keep": ""]).profiles["passthrough"]
        #expect(builtIn != profile)
    }

    @Test func environmentVariablesAreSubstituted() throws {
        let config = try load(
            [
                "conf.d/20-platforms.yaml": """
                platforms:
                  yt:
                    type: rtmp
                    url: "rtmp://${HOST}/live2/${YT_KEY}"
                  literal:
                    type: rtmp
                    url: rtmp://example.com/live/$${NOT_A_VAR}-cost$5
                """,
                "conf.d/30-routes.yaml": """
                routes:
                  demo:
                    channel: ${CHANNEL}
                    # Unquoted ${...} only in block style: in { flow } style braces end the mapping.
                    source:
                      type: pull
                      url: "rtmp://127.0.0.1/in/demo"
                      realtime: ${REALTIME}
                    outputs: [yt, literal]
                """,
            ],
            environment: ["HOST": "a.rtmp.youtube.com", "YT_KEY": "abcd-1234", "CHANNEL": "demo", "REALTIME": "true"])
        #expect(config.platforms["yt"]?.sink.options.contains("rtmp://a.rtmp.youtube.com/live2/abcd-1234") == true)
        #expect(config.platforms["literal"]?.sink.options.contains("rtmp://example.com/live/${NOT_A_VAR}-cost$5") == true)
        let route = try #require(config.routes.first)
        #expect(route.channel == "demo")
        // Plain scalars stay plain after substitution, so `${REALTIME}` can be a bool.
        #expect(route.source.options.contains("\"realtime\":true"))
    }

    @Test func keysAreNotSubstituted() throws {
        let directory = try temporaryConfig(["conf.d/a.yaml": "routes:\n  ${NAME}: {}\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let errors = loadErrors(directory, environment: ["NAME": "demo"])
        #expect(errors.count == 1)
        #expect(errors.first?.hasSuffix("route name \"${NAME}\" is not valid; use \(Names.rule)") == true)
    }

    @Test func routesKeepFileOrderAndAliasesResolve() throws {
        let config = try load([
            "conf.d/20-platforms.yaml": Self.platforms,
            "conf.d/40-b.yml": """
            routes:
              zeta:
                channel: z
                source: &pull { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
              alpha:
                match: "a_{n}"
                source: *pull
                outputs: [local]
            """,
            "conf.d/30-a.yaml": """
            routes:
              middle:
                channel: m
                match: "m"
                source: { type: pull, file: /srv/loop.mp4, loop: true }
                outputs: [local]
            """,
            "conf.d/notes.txt": "not config",
            "conf.d/.swap.yaml": "not: [valid",
        ])
        #expect(config.routes.map(\.name) == ["middle", "zeta", "alpha"])
        #expect(config.staticRoutes.map(\.name) == ["middle", "zeta"])
        #expect(config.routes[1].source == config.routes[2].source)
        #expect(config.routes[2].location?.file.hasSuffix("/conf.d/40-b.yml") == true)
        #expect(config.routes[2].location?.line == 6)
        #expect(config.routes[2].location?.column == 3)
    }

    @Test func relaySpecFillsEverything() throws {
        let config = try load([
            "relaygate.yaml": "sink_queue_packets: 256\n",
            "conf.d/20-platforms.yaml": Self.platforms + "\n  backup: { type: rtmp, url: \"rtmp://10.0.0.2/live/{id}\" }\n",
            "conf.d/30-routes.yaml": """
            routes:
              sellers:
                match: "seller_{id}"
                source: { type: pull, url: "rtmp://127.0.0.1:1936/ingest/{channel}" }
                outputs: [local, backup]
            """,
        ])
        let route = try #require(config.route(named: "sellers"))
        let spec = config.relaySpec(for: route, channel: "seller_42", values: ["extra": "x"])
        #expect(spec.route == "sellers")
        #expect(spec.channel == "seller_42")
        #expect(spec.values == ["id": "42", "extra": "x"])
        #expect(spec.source == route.source)
        #expect(spec.transcoder == config.profiles["passthrough"]?.transcoder)
        #expect(spec.outputs.map(\.name) == ["local", "backup"])
        #expect(spec.outputs.map(\.sink) == [config.platforms["local"]!.sink, config.platforms["backup"]!.sink])
        #expect(spec.sinkQueuePackets == 256)
        // Given values win over captures.
        #expect(config.relaySpec(for: route, channel: "seller_42", values: ["id": "7"]).values["id"] == "7")
    }

    /// The rtmp sink's failure handling: defaults, and every key set.
    @Test func rtmpRetryOptionsAreRead() throws {
        let config = try load([
            "conf.d/20-platforms.yaml": Self.platforms + """

              cf:
                type: rtmp
                url: "rtmps://live.example.net/live/{channel}"
                backup_url: "rtmp://backup.example.net/live/{channel}"
                watchdog: 0s
                fail_fast_attempts: 1
                retry: { backoff: 200ms, max_backoff: 1m, give_up_after: 0s }
            """
        ])
        func options(_ name: String) throws -> RTMPSinkPlugin.Options {
            let sink = try #require(config.platforms[name]?.sink)
            return try JSONDecoder().decode(RTMPSinkPlugin.Options.self, from: Data(sink.options.utf8))
        }
        let local = try options("local")
        #expect(local.backupURL == nil && local.watchdogMs == 10_000 && local.failFastAttempts == 2)
        #expect(local.retryBackoffMs == 1000 && local.retryMaxBackoffMs == 30_000 && local.giveUpAfterMs == 120_000)
        let cf = try options("cf")
        #expect(cf.backupURL?.host == "backup.example.net" && cf.watchdogMs == 0 && cf.failFastAttempts == 1)
        #expect(cf.retryBackoffMs == 200 && cf.retryMaxBackoffMs == 60_000 && cf.giveUpAfterMs == 0)
    }

    @Test func reconnectWindowAndSourceRetriesArePerRoute() throws {
        let config = try load([
            "conf.d/30-routes.yaml": Self.platforms + """

            routes:
              patient:
                channel: a
                reconnect_window: 90s
                source_retries: 5
                slate_image: /etc/relaygate/slate.png
                source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
              defaults:
                channel: b
                source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
            """
        ])
        let patient = try #require(config.routes.first { $0.name == "patient" })
        let defaults = try #require(config.routes.first { $0.name == "defaults" })
        let spec = config.relaySpec(for: patient, channel: "a")
        #expect(spec.reconnectWindowMs == 90_000 && spec.sourceRetries == 5)
        #expect(spec.slateImage == "/etc/relaygate/slate.png" && defaults.slateImage == nil)
        #expect(defaults.reconnectWindow == .seconds(60) && defaults.sourceRetries == 3)
    }

    @Test func equalityIgnoresLocations() throws {
        let a = try load(["conf.d/20-platforms.yaml": Self.platforms])
        let b = try load(["conf.d/99-moved.yaml": "\n\n# moved down\n" + Self.platforms])
        #expect(a.platforms["local"]?.location != b.platforms["local"]?.location)
        #expect(a == b)
    }
}

@Suite struct APISettingsTests {
    @Test func apiTokensAndLimitsAreRead() throws {
        let directory = try temporaryConfig([
            "relaygate.yaml": """
            max_relays: 40
            api:
              listen: "[::1]:9000"
              max_body: 8k
              tokens:
                - { token: "${STREAM_KEY}", scope: admin }
                - { token: "read-only-token-0001", scope: read }
            """,
            "conf.d/30-routes.yaml": LoaderTests.platforms + """

            routes:
              sellers:
                match: "seller_{id}"
                max_relays: 5
                source: { type: pull, url: "rtmp://127.0.0.1/in/{channel}" }
                outputs: [local]
            """,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try ConfigLoader(registry: testRegistry, environment: testEnvironment).load(directory: directory)
        let api = try #require(config.settings.api)
        #expect(api.host == "::1" && api.port == 9000 && api.maxBody == 8192)
        #expect(api.tokens.map(\.value) == ["s3cr3t-stream-key", "read-only-token-0001"])
        #expect(api.tokens.map(\.scope) == [.admin, .read])
        #expect(!"\(api.tokens)".contains("s3cr3t"), "a token's description shows its value")
        #expect(config.settings.maxRelays == 40)
        #expect(config.routes.first?.maxRelays == 5)
    }

    @Test func withoutAPISectionTheAPIIsOff() throws {
        let directory = try temporaryConfig(["relaygate.yaml": "log_level: info\n"])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = try ConfigLoader(registry: testRegistry, environment: testEnvironment).load(directory: directory)
        #expect(config.settings.api == nil && config.settings.maxRelays == nil)
    }

    @Test func requestsResolveToTheNamedOrFirstServingRoute() throws {
        let route = { (name: String, match: String) in
            RouteConfig(
                name: name, match: try! RoutePattern(match), source: PluginConfig(kind: .source, type: "pull", options: "{}"),
                outputs: ["local"])
        }
        let config = GatewayConfig(routes: [route("a", "seller_{id}"), route("b", "{any}")])
        #expect(try config.route(for: "seller_1", named: nil).get().name == "a")
        #expect(try config.route(for: "buyer_1", named: nil).get().name == "b")
        #expect(try config.route(for: "seller_1", named: "b").get().name == "b")
        #expect(config.route(for: "seller_1", named: "c") == .failure(.unknownRoute("c")))
        #expect(config.route(for: "buyer_1", named: "a") == .failure(.routeDoesNotServe(route: "a", channel: "buyer_1")))
    }
}
