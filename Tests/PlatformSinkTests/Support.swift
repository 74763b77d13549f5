import CloudflareSink
import Foundation
import IVSSink
import Logging
import PullSource
import RelayConfig
import RelayCore
import Synchronization
import TestSupport

let platformRegistry = PluginRegistry(sources: [PullSourcePlugin.self], transcoders: [], sinks: [CloudflareSinkPlugin.self, IVSSinkPlugin.self])

/// Loads a config whose conf.d/20-platforms.yaml is `platforms` (the mapping's body).
func loadPlatforms(_ platforms: String) throws(ConfigErrors) -> GatewayConfig {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("platforms-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: directory + "/conf.d", withIntermediateDirectories: true)
    try? "".write(toFile: directory + "/relaygate.yaml", atomically: true, encoding: .utf8)
    try? ("platforms:\n" + platforms).write(toFile: directory + "/conf.d/20-platforms.yaml", atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try ConfigLoader(registry: platformRegistry, environment: [:]).load(directory: directory)
}

/// The config's errors as printed; empty when it loads.
func platformErrors(_ platforms: String) -> [String] {
    do {
        _ = try loadPlatforms(platforms)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// A relay with one output on `platform` (decoded from `config`), as a companion sees it.
func companionRelay(_ config: GatewayConfig, platform: String, channel: String = "seller_42") throws -> CompanionRelay {
    guard let sink = config.platforms[platform]?.sink else { throw TestFailure("no platform \(platform)") }
    let spec = RelaySpec(
        route: "sellers", channel: channel, values: [:],
        source: PluginConfig(kind: .source, type: "pull", options: "{}"), transcoder: PluginConfig(kind: .transcoder, type: "passthrough", options: "{}"),
        outputs: [RelaySpec.Output(name: platform, sink: sink)], reconnectWindowMs: 30_000)
    return CompanionRelay(id: "sellers/\(channel)", spec: spec, stage: .output(platform))
}

/// Keeps what a companion tells the supervisor.
final class RecordedEvents: CompanionEvents {
    let notes = Mutex<[String]>([])
    let failures = Mutex<[String]>([])
    let grants = Mutex<[StageGrant]>([])
    func note(_ reason: String, detail: String?) async { notes.withLock { $0.append("\(reason): \(detail ?? "")") } }
    func fail(_ reason: String) async { failures.withLock { $0.append(reason) } }
    func state(_ state: RelayState, reason: String?) async {}
    func isPublishing() async -> Bool? { nil }
    func granted(_ grant: StageGrant) async { grants.withLock { $0.append(grant) } }
}

/// What `companion` grants `relay`: at once, or (pending) once its background work sends it.
func granted(_ companion: any RelayCompanion, _ relay: CompanionRelay, events: RecordedEvents = RecordedEvents()) async throws -> StageGrant {
    let first = try await companion.prepare(relay, events: events)
    guard first.isPending else { return first }
    for _ in 0..<1000 {
        if let grant = events.grants.withLock({ $0.first }) { return grant }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw TestFailure("no grant came for \(relay.id)")
}

let quietContext = CompanionContext(
    logger: Logger(label: "relaygate.tests") { _ in SwiftLogNoOpLogHandler() }, director: DirectorLink())
