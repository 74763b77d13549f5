import FileSink
import Foundation
import HLSSink
import Logging
import PassthroughTranscoder
import PullSource
import RelayCore
import RelayRuntime
import Synchronization
import TestSupport

/// A relay run in this process through the real pipeline (the code a worker runs): a local
/// file pulled and passed through to outputs configured as a platform would be, so each
/// output's options go through its plugin's decoder.
final class LocalRelay: Sendable {
    static let registry = PluginRegistry(
        sources: [PullSourcePlugin.self], transcoders: [PassthroughPlugin.self],
        sinks: [HLSSinkPlugin.self, FileSinkPlugin.self])

    let pipeline: RelayPipeline
    private let outcome = Mutex<RelayOutcome?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// `outputs`: platform name → the platform's keys (`type` included). The queue is large
    /// enough that a source read faster than real time never makes an output drop.
    init(input: String, realtime: Bool, channel: String = "demo", outputs: KeyValuePairs<String, [(String, String)]>) throws {
        let source = try Self.config(.source, [("type", "pull"), ("file", input), ("realtime", "\(realtime)")])
        let transcoder = try Self.config(.transcoder, [("type", "passthrough")])
        let specOutputs = try outputs.map { RelaySpec.Output(name: $0.key, sink: try Self.config(.sink, $0.value)) }
        let spec = RelaySpec(
            route: "local", channel: channel, source: source, transcoder: transcoder, outputs: specOutputs,
            sinkQueuePackets: 100_000)
        pipeline = RelayPipeline(spec: spec, registry: Self.registry, logger: Logger(label: "local-relay"))
    }

    /// Runs the pipeline on a thread of its own, as a worker's main thread would.
    func start() {
        let thread = Thread { [self] in
            let result = pipeline.run()
            outcome.withLock { $0 = result }
            done.signal()
        }
        thread.start()
    }

    var isRunning: Bool { outcome.withLock { $0 } == nil }

    /// The outcome; nil if the relay did not end within the generous deadline (a hang).
    func wait(timeout: Duration = .seconds(120)) -> RelayOutcome? {
        _ = done.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds)))
        return outcome.withLock { $0 }
    }

    /// Starts the relay and waits for it to end.
    func run() -> RelayOutcome? {
        start()
        return wait()
    }

    /// Each output's end state as the API would show it.
    var outputs: [RelayStats.Output] { pipeline.snapshot().stats.outputs }

    static func config(_ kind: PluginKind, _ fields: [(String, String)]) throws -> PluginConfig {
        let location = SourceLocation(file: "test", line: 1, column: 1)
        let pairs = fields.map { (key: ConfigNode.scalar($0.0, at: location), value: ConfigNode.scalar($0.1, at: location)) }
        let diagnostics = Diagnostics()
        guard var reader = MappingReader(ConfigNode(.mapping(pairs), at: location), context: "test", diagnostics: diagnostics),
            let config = registry.decode(kind, from: &reader)
        else { throw TestFailure("\(kind) options refused: \(diagnostics.items)") }
        return config
    }
}

/// Test media: H.264 (1 s GOP) + AAC made by the ffmpeg CLI, small so it is quick to make.
func generateInput(_ path: String, seconds: Int) throws {
    try FFmpeg.generate(path, seconds: seconds, width: 160, height: 120, fps: 25, bitrate: "150k", gopFrames: 25, preset: "ultrafast")
}
