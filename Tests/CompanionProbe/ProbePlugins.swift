import Foundation
import Glibc
import RelayCore
import Synchronization

/// Source `probe`: a made-up video stream (one packet every 40 ms) until stopped; with
/// `crash: true` its worker kills itself with SIGKILL while opening it, as a crash on
/// hostile media would.
enum ProbeSourcePlugin: SourcePlugin {
    static let type = "probe"

    struct Options: PluginOptions {
        var crash = false
    }

    static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        Options(crash: reader.optional("crash", .bool) ?? false)
    }

    static var companion: (any CompanionPlugin.Type)? { ProbeCompanionPlugin.self }

    static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        // The grant the companion handed out reached this worker.
        guard context.grant["probe"] == "granted \(context.route)/\(context.channel) source" else {
            throw RelayError(.internal, "probe: no grant for the source")
        }
        return ProbeSource(crash: options.crash, stop: context.stop)
    }
}

final class ProbeSource: MediaSource {
    let crash: Bool
    let stop: StopSignal
    var next: Int64 = 0

    init(crash: Bool, stop: StopSignal) {
        self.crash = crash
        self.stop = stop
    }

    var displayName: String { "probe" }

    func open() throws -> [StreamInfo] {
        if crash { kill(getpid(), SIGKILL) }
        return [StreamInfo(index: 0, kind: .video, codec: "h264", timeBase: Rational(1, 1000), width: 16, height: 16)]
    }

    func read() throws -> MediaPacket? {
        guard stop.sleep(for: .milliseconds(40)) else { return nil }
        defer { next += 40 }
        return MediaPacket(streamIndex: 0, pts: next, dts: next, isKeyframe: next % 1000 == 0, data: [0, 0, 0, 1, 0x65])
    }

    func close() {}
}

/// Sink `probe`: counts what it is given and discards it.
enum ProbeSinkPlugin: SinkPlugin {
    static let type = "probe"
    struct Options: PluginOptions {}
    static func decodeOptions(_ reader: inout MappingReader) -> Options? { Options() }
    static var companion: (any CompanionPlugin.Type)? { ProbeCompanionPlugin.self }

    static func makeSink(options: Options, context: StageContext) throws -> any MediaSink {
        guard context.grant["probe"]?.hasPrefix("granted \(context.route)/\(context.channel) output") == true else {
            throw RelayError(.internal, "probe: no grant for the output")
        }
        return ProbeSink()
    }
}

final class ProbeSink: MediaSink {
    var bytesWritten: Int64 = 0
    var displayName: String { "probe" }
    func open(streams: [StreamInfo]) throws {}
    func write(_ packet: MediaPacket) throws { bytesWritten += Int64(packet.data.count) }
    func close() throws {}
    func abort() {}
}

/// The `probe:` section's companion: writes each hook call, one line each, to `log`.
enum ProbeCompanionPlugin: CompanionPlugin {
    static let section = "probe"

    struct Settings: PluginOptions {
        var log: String
    }

    static func decodeSettings(_ reader: inout MappingReader) -> Settings? {
        reader.required("log", .string).map(Settings.init(log:))
    }

    static func makeCompanion(settings: Settings, context: CompanionContext) throws -> any RelayCompanion {
        ProbeCompanion(path: settings.log)
    }
}

final class ProbeCompanion: RelayCompanion {
    let path: String
    private let file = Mutex<Void>(())

    init(path: String) { self.path = path }

    func write(_ line: String) {
        file.withLock { _ in
            let handle = FileHandle(forWritingAtPath: path) ?? {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return FileHandle(forWritingAtPath: path)!
            }()
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        }
    }

    func prepare(_ relay: CompanionRelay, events: any CompanionEvents) async throws -> StageGrant {
        write("prepare \(relay.id) \(relay.stage)")
        return StageGrant(values: ["probe": "granted \(relay.id) \(relay.stage)"])
    }

    func cleanup(_ relay: CompanionRelay) async { write("cleanup \(relay.id) \(relay.stage)") }

    /// An output's made-up platform resource, with a made-up audience of 7.
    func status(_ relay: CompanionRelay) -> CompanionStatus? {
        guard case .output = relay.stage else { return nil }
        return CompanionStatus(kind: "probe-input", id: "probe-\(relay.spec.channel)", state: "live", viewers: 7)
    }

    func configure(platforms: [String: PluginConfig]) async {
        write("configure \(platforms.keys.sorted().joined(separator: ","))")
    }

    func run(relays: Set<String>) async { write("run \(relays.sorted().joined(separator: ","))") }

    func shutdown() async { write("shutdown") }
}
