// swift-tools-version:6.1
import PackageDescription

// Each plugin is its own target under plugins/. Adding a plugin means one line here
// and one line in Sources/relaygate/CompiledPlugins.swift.
let plugins: [(name: String, dependencies: [Target.Dependency])] = [
    ("PullSource", ["RelayCore", "MediaEngine"]),
    ("PassthroughTranscoder", ["RelayCore", "MediaEngine"]),
    ("H264Transcoder", ["RelayCore", "MediaEngine"]),
    ("RTMPSink", ["RelayCore", "MediaEngine"]),
    ("TestSource", ["RelayCore"]),
    ("RawPipeSource", ["RelayCore"]),
    ("RTMPSource", ["RelayCore", "FLVIngest"]),
    (
        "AgoraSource",
        [
            "RelayCore", "FLVIngest", "Agora",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]
    ),
    ("HLSSink", ["RelayCore", "MediaEngine"]),
    ("FileSink", ["RelayCore", "MediaEngine"]),
    (
        "CloudflareSink",
        [
            "RelayCore", "RTMPSink", "CloudflareStream",
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
        ]
    ),
    (
        "IVSSink",
        [
            "RelayCore", "RTMPSink", "AWSIVS", "AWSSigV4",
            .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"),
        ]
    ),
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "relaygate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "relaygate", targets: ["relaygate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries: headers, shims for macros and variadics, link directives. Nothing else.
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"])]
        ),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Domain vocabulary and the plugin API. No C, no sockets.
        .target(
            name: "RelayCore",
            dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // relaygate.yaml + conf.d/*.yaml → typed, validated GatewayConfig (libyaml inside).
        .target(name: "RelayConfig", dependencies: ["RelayCore", "CYAML"], swiftSettings: swiftSettings),
        // Owned Swift wrappers over libav*; the only target that imports CFFmpeg.
        .target(
            name: "MediaEngine",
            dependencies: ["RelayCore", "CFFmpeg", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The RTMP wire protocol on NIOCore: handshake, chunk stream, AMF0, the server session.
        // Knows nothing about relays or routes.
        .target(
            name: "RTMPProtocol",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Reading what publishers push to the ingest, in a worker: FLV tags → packets (H.264,
        // AAC). Shared by every source pushed to over RTMP.
        .target(
            name: "FLVIngest",
            dependencies: ["RelayCore", "RTMPProtocol", .product(name: "Logging", package: "swift-log")],
            exclude: ["README.md"], swiftSettings: swiftSettings
        ),
        // Supervisor ⇄ worker, in one place: launch layout, control messages with a version
        // handshake, the ingest frame format.
        .target(name: "WorkerProtocol", dependencies: ["RelayCore"], swiftSettings: swiftSettings),
        // Agora's wire formats: AccessToken2, NCS notifications and their signatures, Media
        // Push REST bodies. No I/O: the `agora` source plugin does the talking.
        .target(
            name: "Agora",
            dependencies: ["CZlib", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The gateway's RTMP ingest server: one listener, publishers matched to relays by
        // app and key, their media handed to each relay's worker (`IngestDirectory`).
        .target(
            name: "RTMPIngest",
            dependencies: [
                "RelayCore", "RTMPProtocol", "WorkerProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // Relay pipelines and the worker side; each relay's lifecycle (a pure state machine),
        // its executors (worker processes) and the supervisor that carries out its actions.
        .target(
            name: "RelayRuntime",
            dependencies: [
                "RelayCore", "WorkerProtocol", "CLinux", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // The relays as config, API, webhooks and CLI see them: route resolution, reloads,
        // boot reconciliation, and the service that runs them.
        .target(
            name: "RelayManager",
            dependencies: [
                "RelayCore", "RelayConfig", "RelayRuntime", "RelayStore", "ControlAPI",
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // `relaygate run` composed: one ServiceGroup of the API, recorder, ingest and manager.
        .target(
            name: "RelayDaemon",
            dependencies: [
                "RelayCore", "RelayConfig", "RelayRuntime", "RelayManager", "RelayStore", "ControlAPI", "RTMPIngest",
                .product(name: "Logging", package: "swift-log"), .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP control API (Hummingbird): routes, auth, JSON errors, metrics endpoint.
        // It drives relays through the `RelayControl` interface, never the supervisor itself.
        .target(
            name: "ControlAPI",
            dependencies: [
                "RelayCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Relay state in PostgreSQL: connection, migrations, the queued recorder (libpq inside).
        .target(
            name: "RelayStore",
            dependencies: ["RelayCore", "CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The executable: the CLI and the compiled-in plugin list.
        .executableTarget(
            name: "relaygate",
            dependencies: [
                "RelayCore", "RelayConfig", "RelayRuntime", "RelayStore", "RelayDaemon", "WorkerProtocol", "MediaEngine", "Agora",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ] + plugins.map { .target(name: $0.name) },
            swiftSettings: swiftSettings
        ),

        // Real peers for tests: nginx-rtmp, ffmpeg publishers, ffprobe, process helpers.
        .target(
            name: "TestSupport",
            dependencies: [
                "RelayCore",
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Support",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "RelayCoreTests", dependencies: ["RelayCore", "TestSupport"], swiftSettings: swiftSettings),
        // The protocol's formats, and between real processes: stand-in workers against the
        // worker executor, the real worker against a test playing the supervisor.
        .testTarget(
            name: "WorkerProtocolTests", dependencies: ["WorkerProtocol", "RelayCore", "RelayRuntime", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        // Each relay's lifecycle and the supervisor carrying it out, on a manual clock with a
        // fake executor and companion: no process, no sleep.
        .testTarget(
            name: "RelayRuntimeTests", dependencies: ["RelayRuntime", "RelayCore", "WorkerProtocol", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        // The agora source's converter plan and names, without the network.
        .testTarget(
            name: "AgoraSourceTests", dependencies: ["AgoraSource", "Agora", "RelayCore"], swiftSettings: swiftSettings
        ),
        // Agora's formats against the official vectors (tokens, NCS signatures).
        .testTarget(
            name: "AgoraTests", dependencies: ["Agora", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        // The RTMP codec with EmbeddedChannel and byte fixtures, and its fuzz run.
        .testTarget(
            name: "RTMPProtocolTests",
            dependencies: [
                "RTMPProtocol", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RelayConfigTests",
            dependencies: [
                "RelayCore", "RelayConfig", "PullSource", "TestSource", "RTMPSource", "PassthroughTranscoder", "H264Transcoder",
                "RTMPSink", "AgoraSource",
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MediaEngineTests",
            dependencies: [
                "RelayCore", "MediaEngine", "PullSource", "PassthroughTranscoder", "H264Transcoder", "RTMPSink", "TestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TestSourceTests", dependencies: ["TestSource", "RelayCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RawPipeSourceTests", dependencies: ["RawPipeSource", "RelayCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RTMPSourceTests",
            dependencies: ["RTMPSource", "FLVIngest", "RTMPProtocol", "RelayCore", "MediaEngine", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        // RelayStore against a private real PostgreSQL per test.
        .testTarget(
            name: "RelayStoreTests",
            dependencies: ["RelayStore", "RelayCore", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // The ingest server's endpoints and worker feeds, on EmbeddedChannels.
        .testTarget(
            name: "RTMPIngestTests",
            dependencies: [
                "RTMPIngest", "RTMPProtocol", "RelayCore", "WorkerProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // relaygate's daemon and worker with test plugins compiled in: a companion that writes
        // down its hooks, a source that can crash its worker.
        .executableTarget(
            name: "relaygate-probe",
            dependencies: [
                "RelayCore", "RelayConfig", "RelayRuntime", "RelayDaemon", "WorkerProtocol", "PassthroughTranscoder", "RTMPSink",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/CompanionProbe", swiftSettings: swiftSettings
        ),
        // Sinks `hls` and `file`: options, file cuts and names, and relays through the real
        // pipeline into local files judged by ffprobe.
        .testTarget(
            name: "LocalSinkTests",
            dependencies: [
                "HLSSink", "FileSink", "RelayCore", "RelayRuntime", "PullSource", "PassthroughTranscoder", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Sinks `cloudflare` and `ivs`: their options, and their companions against the fakes.
        .testTarget(
            name: "PlatformSinkTests",
            dependencies: [
                "CloudflareSink", "IVSSink", "RelayCore", "RelayConfig", "PullSource", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // End to end: the relaygate binary against real nginx-rtmp, ffmpeg and ffprobe.
        .testTarget(
            name: "IntegrationTests", dependencies: ["relaygate", "relaygate-probe", "TestSupport", "Agora"],
            swiftSettings: swiftSettings
        ),
        // Cloudflare Stream live inputs for relays: the REST client, the customer domain's
        // lifecycle and viewer count, live input notifications. No RelayCore: a companion wires it.
        .target(
            name: "CloudflareStream",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The client against Tests/Support/FakeCloudflare, the fake's own refusals, notifications.
        .testTarget(
            name: "CloudflareStreamTests",
            dependencies: [
                "CloudflareStream", "TestSupport", .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

for plugin in plugins {
    package.targets.append(
        .target(
            name: plugin.name, dependencies: plugin.dependencies, path: "plugins/\(plugin.name)",
            exclude: ["README.md"], swiftSettings: swiftSettings
        )
    )
}

// AWS: SigV4 signing (swift-crypto, checked against AWS's published vectors) and the IVS
// client (channels, streams, stream keys over restJson1); tests against a fake IVS
// (moto behind a botocore-checked SigV4 front, Tests/FakeIVS).
package.targets += [
    .target(name: "AWSSigV4", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: swiftSettings),
    .target(
        name: "AWSIVS",
        dependencies: [
            "AWSSigV4",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(name: "AWSIVSTests", dependencies: ["AWSSigV4", "AWSIVS", "TestSupport"], swiftSettings: swiftSettings),
]
