import Foundation
import Logging
import RelayCore
import RelayRuntime
import Synchronization

/// Waits for the `count`-th item of a growing list, without sleeping.
final class Arrivals<Item: Sendable>: Sendable {
    private let state = Mutex<(items: [Item], waiters: [(count: Int, continuation: CheckedContinuation<Item, Never>)])>(([], []))

    func append(_ item: Item) {
        let ready = state.withLock { state -> [CheckedContinuation<Item, Never>] in
            state.items.append(item)
            let count = state.items.count
            let ready = state.waiters.filter { $0.count <= count }.map(\.continuation)
            state.waiters.removeAll { $0.count <= count }
            return ready
        }
        for continuation in ready { continuation.resume(returning: item) }
    }

    var all: [Item] { state.withLock { $0.items } }

    /// The `number`-th item (1-based), once it has arrived.
    func item(_ number: Int) async -> Item {
        await withCheckedContinuation { continuation in
            let item = state.withLock { state -> Item? in
                if state.items.count >= number { return state.items[number - 1] }
                state.waiters.append((number, continuation))
                return nil
            }
            if let item { continuation.resume(returning: item) }
        }
    }
}

/// Runs that are nothing but what the test makes them say.
final class FakeExecutor: RelayExecutor {
    let launches = Arrivals<FakeRun>()
    /// Launches that throw instead of starting a run.
    let failing = Atomic<Int>(0)
    /// While set, each launch waits to be let through (`pending` says one is waiting).
    let holding = Atomic<Bool>(false)
    let pending = Arrivals<CheckedContinuation<Void, Never>>()

    func launch(_ request: RunRequest, deliver: @escaping @Sendable (RunEvent) async -> Void) async throws -> any RelayRun {
        if holding.load(ordering: .relaxed) {
            await withCheckedContinuation { pending.append($0) }
        }
        if failing.load(ordering: .relaxed) > 0 {
            failing.subtract(1, ordering: .relaxed)
            throw RelayError(.internal, "no such binary")
        }
        let run = FakeRun(request: request, deliver: deliver)
        launches.append(run)
        return run
    }

    /// The `number`-th launch (1-based), once it happened.
    func launch(_ number: Int) async -> FakeRun { await launches.item(number) }
}

final class FakeRun: RelayRun {
    let request: RunRequest
    let deliver: @Sendable (RunEvent) async -> Void
    /// Each `stop()` and `kill()` the supervisor made.
    let orders = Arrivals<String>()

    init(request: RunRequest, deliver: @escaping @Sendable (RunEvent) async -> Void) {
        self.request = request
        self.deliver = deliver
    }

    var pid: Int32? { Int32(1000 + request.generation) }
    func stop() { orders.append("stop") }
    func kill() { orders.append("kill") }
    /// Each outputs update: the output names, and the names that carry a grant.
    let updates = Arrivals<(outputs: [String], granted: [String])>()
    func update(outputs: [RelaySpec.Output], grants: [String: [String: String]]) -> Bool {
        updates.append((outputs.map(\.name), grants.filter { !$0.value.isEmpty }.keys.sorted()))
        return true
    }

    /// Says what a worker says, each awaited as the executor does.
    func report(_ state: RelayState) async { await deliver(.report(RelayStats(state: state))) }

    func exit(_ end: RelayEnd? = nil, _ how: String = "exit code 0") async {
        if let end { await deliver(.ended(end)) }
        await deliver(.exited(how))
    }
}

/// A companion that writes down every hook call, in order, as `hook relay@life-stage`.
final class FakeCompanion: RelayCompanion {
    let calls = Arrivals<String>()
    /// Relay ids whose prepare throws.
    let refuse = Mutex<Set<String>>([])
    /// The events of each relay's newest life.
    let events = Mutex<[String: any CompanionEvents]>([:])
    let grant: StageGrant

    init(grant: StageGrant = StageGrant(values: ["url": "rtmp://platform.example/live/SECRET"], playbackURL: "https://play.example/x.m3u8")) {
        self.grant = grant
    }

    func prepare(_ relay: CompanionRelay, events: any CompanionEvents) async throws -> StageGrant {
        calls.append("prepare \(relay.id) \(relay.stage)")
        self.events.withLock { $0[relay.id] = events }
        if refuse.withLock({ $0.contains(relay.id) }) { throw RelayError(.configuration, "probe: no account for \(relay.id)") }
        return grant
    }

    func cleanup(_ relay: CompanionRelay) async { calls.append("cleanup \(relay.id) \(relay.stage)") }

    /// Viewers each output's platform counts, by relay id and output name.
    let outputViewers = Mutex<[String: [String: Int]]>([:])

    func status(_ relay: CompanionRelay) -> CompanionStatus? {
        guard case .output(let name) = relay.stage else { return CompanionStatus(kind: "probe", state: "running") }
        return CompanionStatus(kind: "probe-platform", state: "running", viewers: outputViewers.withLock { $0[relay.id]?[name] })
    }

    func shutdown() async { calls.append("shutdown") }

    func calls(for relay: String) -> [String] { calls.all.filter { $0.contains(relay) } }
}

/// Keeps what the supervisor records.
final class MemoryRecorder: RelayRecorder {
    let records = Mutex<[RelayRecord]>([])
    func record(_ record: RelayRecord) { records.withLock { $0.append(record) } }

    func events(_ channel: String) -> [RelayRecord.Event] { records.withLock { $0.filter { $0.channel == channel }.map(\.event) } }
}

// MARK: - Plugins whose stages never run here (the fake executor runs nothing).

struct ProbeOptions: PluginOptions {
    var external = false
}

enum ProbeSourcePlugin: SourcePlugin {
    static let type = "probe"
    typealias Options = ProbeOptions
    static func decodeOptions(_ reader: inout MappingReader) -> ProbeOptions? { ProbeOptions() }
    static func runsExternally(options: ProbeOptions) -> Bool { options.external }
    static var companion: (any CompanionPlugin.Type)? { ProbeCompanionPlugin.self }
    static func makeSource(options: ProbeOptions, context: StageContext) throws -> any MediaSource {
        throw RelayError(.internal, "not in these tests")
    }
}

enum PlainSourcePlugin: SourcePlugin {
    static let type = "plain"
    typealias Options = ProbeOptions
    static func decodeOptions(_ reader: inout MappingReader) -> ProbeOptions? { ProbeOptions() }
    static func makeSource(options: ProbeOptions, context: StageContext) throws -> any MediaSource {
        throw RelayError(.internal, "not in these tests")
    }
}

enum ProbeSinkPlugin: SinkPlugin {
    static let type = "probe-platform"
    typealias Options = ProbeOptions
    static func decodeOptions(_ reader: inout MappingReader) -> ProbeOptions? { ProbeOptions() }
    static var companion: (any CompanionPlugin.Type)? { ProbeCompanionPlugin.self }
    static func makeSink(options: ProbeOptions, context: StageContext) throws -> any MediaSink {
        throw RelayError(.internal, "not in these tests")
    }
}

enum ProbeCompanionPlugin: CompanionPlugin {
    static let section = "probe"
    typealias Settings = ProbeOptions
    static func decodeSettings(_ reader: inout MappingReader) -> ProbeOptions? { ProbeOptions() }
    static func makeCompanion(settings: ProbeOptions, context: CompanionContext) throws -> any RelayCompanion { FakeCompanion() }
}

enum CopyPlugin: TranscoderPlugin {
    static let type = "copy"
    typealias Options = ProbeOptions
    static func decodeOptions(_ reader: inout MappingReader) -> ProbeOptions? { ProbeOptions() }
    static func makeTranscoder(options: ProbeOptions, context: StageContext) throws -> any MediaTranscoder {
        throw RelayError(.internal, "not in these tests")
    }
}

let probeRegistry = PluginRegistry(
    sources: [ProbeSourcePlugin.self, PlainSourcePlugin.self], transcoders: [CopyPlugin.self], sinks: [ProbeSinkPlugin.self])

/// A relay of `route` on `channel`: source `probe` (with the companion) or `plain`, one output.
func spec(
    _ route: String, _ channel: String, source: String = "plain", external: Bool = false, option: String = "a",
    platform: Bool = false
) -> RelaySpec {
    RelaySpec(
        route: route, channel: channel, values: ["option": option],
        source: PluginConfig(kind: .source, type: source, options: external ? #"{"external":true}"# : #"{"external":false}"#),
        transcoder: PluginConfig(kind: .transcoder, type: "copy", options: "{}"),
        outputs: [
            RelaySpec.Output(
                name: "out", sink: PluginConfig(kind: .sink, type: platform ? "probe-platform" : "plain-sink", options: "{}"))
        ])
}

let quietLogger = Logger(label: "relaygate.tests") { _ in SwiftLogNoOpLogHandler() }
