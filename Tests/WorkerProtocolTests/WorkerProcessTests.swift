import Foundation
import Glibc
import RelayCore
@testable import RelayRuntime
import Synchronization
import Testing
import TestSupport
import WorkerProtocol

/// The protocol between real processes: a stand-in worker (a shell script speaking JSON
/// lines on its control descriptor) against the real `WorkerExecutor`, and the real worker
/// (`relaygate worker`) against a test playing the supervisor.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct WorkerProcessTests {
    static let spec = RelaySpec(
        route: "shop", channel: "c1", source: PluginConfig(kind: .source, type: "testsrc", options: "{}"),
        transcoder: PluginConfig(kind: .transcoder, type: "passthrough", options: "{}"), outputs: [])

    static func line(_ message: WorkerMessage) throws -> String {
        String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
    }

    /// A worker that says `lines` after hello (with `version`) and after reading its start,
    /// which it copies to `start.json`, then exits with `code`.
    static func script(in directory: TempDirectory, version: Int, lines: [String], code: Int) throws -> String {
        let hello = try line(.hello(protocol: version))
        let says = lines.map { "printf '%s\\n' '\($0)' >&3" }.joined(separator: "\n")
        try directory.write(
            "worker.sh",
            """
            #!/bin/sh
            printf '%s\\n' '\(hello)' >&3
            read start <&3
            printf '%s\\n' "$start" > \(directory.file("start.json"))
            \(says)
            exit \(code)

            """)
        chmod(directory.file("worker.sh"), 0o755)
        return directory.file("worker.sh")
    }

    /// What one run delivered, in order; done once it exited.
    final class RunLog: Sendable {
        private let state = Mutex<(events: [RunEvent], waiter: CheckedContinuation<[RunEvent], Never>?)>(([], nil))

        func deliver(_ event: RunEvent) {
            let waiter = state.withLock { state -> CheckedContinuation<[RunEvent], Never>? in
                state.events.append(event)
                guard case .exited = event else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: state.withLock { $0.events })
        }

        /// Every event once the run exited.
        var all: [RunEvent] {
            get async {
                await withCheckedContinuation { continuation in
                    let done = state.withLock { state -> [RunEvent]? in
                        if case .exited? = state.events.last { return state.events }
                        state.waiter = continuation
                        return nil
                    }
                    if let done { continuation.resume(returning: done) }
                }
            }
        }
    }

    /// Every event of one run, in the order they were delivered.
    static func run(_ executable: String) async throws -> [RunEvent] {
        let log = RunLog()
        let request = RunRequest(
            relayID: "shop/c1", generation: 1, assignment: WorkerAssignment(spec: spec, logLevel: "info", drainTimeoutMs: 1000),
            ingest: nil)
        _ = try await WorkerExecutor(executable: executable, ingest: nil).launch(request) { log.deliver($0) }
        return await log.all
    }

    @Test func aWorkersLastReportAndItsEndArriveBeforeItsExitInOrder() async throws {
        let directory = try TempDirectory("worker")
        var final = RelayStats(state: .failed)
        final.lastError = "source: gone"
        let end = RelayEnd.failed(RelayError(.source, "gone"))
        let script = try Self.script(
            in: directory, version: WorkerProtocolVersion.current,
            lines: [try Self.line(.report(RelayStats(state: .active))), try Self.line(.report(final)), try Self.line(.ended(end))],
            code: 3)
        let events = try await Self.run(script)
        #expect(events == [.ready, .report(RelayStats(state: .active)), .report(final), .ended(end), .exited("exit code 3")])
        // It got its orders after its hello: the spec, in this protocol's version.
        let start = try String(contentsOfFile: directory.file("start.json"), encoding: .utf8)
        let message = try JSONDecoder().decode(SupervisorMessage.self, from: Data(start.utf8))
        #expect(message == .start(protocol: WorkerProtocolVersion.current, relay: WorkerAssignment(spec: Self.spec, logLevel: "info", drainTimeoutMs: 1000)))
    }

    @Test func aWorkerSpeakingAnotherVersionGetsNoOrdersAndEndsTheRunWithWhy() async throws {
        let directory = try TempDirectory("worker")
        let script = try Self.script(in: directory, version: 1, lines: [], code: 0)
        let events = try await Self.run(script)
        let reason = "the worker speaks protocol 1 and this gateway \(WorkerProtocolVersion.current); restart relaygate"
        #expect(events == [.ended(.failed(RelayError(.internal, reason))), .exited("killed by signal 9")])
        #expect(!FileManager.default.fileExists(atPath: directory.file("start.json")))
    }

    /// The real worker, with a test as its supervisor: it says hello first, and refuses
    /// orders in another version (exit 70) without running anything.
    @Test(arguments: [(WorkerProtocolVersion.current + 1, Int32(70)), (WorkerProtocolVersion.current, Int32(0))])
    func theRealWorkerChecksTheVersionOfItsOrders(version: Int, expectedCode: Int32) async throws {
        let launch = WorkerLaunch(supervisorPID: getpid(), relay: "shop/c1")
        let spawned = try await WorkerSpawner.shared.spawn(executable: RelaygateBinary.path, arguments: launch.arguments, ingest: false)
        var reader = LineReader(fd: spawned.channel.fd)
        #expect(try reader.next(WorkerMessage.self) == .hello(protocol: WorkerProtocolVersion.current))
        if version == WorkerProtocolVersion.current {
            // In our version, a stop before any start ends it cleanly, having run nothing.
            try spawned.channel.send(SupervisorMessage.stop)
        } else {
            try spawned.channel.send(
                SupervisorMessage.start(protocol: version, relay: WorkerAssignment(spec: Self.spec, logLevel: "info", drainTimeoutMs: 1000)))
        }
        #expect(reader.next() == nil, "it said more than hello")
        #expect(WorkerExit.reap(spawned.pid) == WorkerExit(code: expectedCode, signal: nil))
        spawned.channel.close()
    }

    @Test func theLaunchLayoutReadsBackWhatItWrites() {
        let launch = WorkerLaunch(supervisorPID: 4242, relay: "shop/seller 7")
        #expect(launch.arguments == ["worker", "--supervisor-pid", "4242", "--relay", "shop/seller 7"])
        #expect(WorkerLaunch(arguments: launch.arguments) == launch)
        #expect(WorkerLaunch(arguments: Array(launch.arguments.dropFirst())) == launch)
        #expect(WorkerLaunch(arguments: ["worker", "--supervisor-pid", "1"]) == nil)
        #expect(WorkerLaunch(arguments: ["worker", "--spec", "{}"]) == nil)
        #expect(WorkerLaunch(arguments: ["worker", "--relay"]) == nil)
        #expect(WorkerLaunch.controlDescriptor == 3 && WorkerLaunch.ingestDescriptor == 4)
    }
}
