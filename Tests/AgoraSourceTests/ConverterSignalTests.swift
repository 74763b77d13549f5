import Agora
@testable import AgoraSource
import Logging
import RelayCore
import Synchronization
import Testing

/// Agora's converter events name their converter: news of a converter the lifecycle already
/// replaced (its own deletion, arriving late) must not end the new one.
@Suite struct ConverterSignalTests {
    /// Media Push that numbers converters c1, c2, … and reads each back as running.
    final class NumberingClient: MediaPushCalls {
        let log = Mutex<[String]>([])
        var calls: [String] { log.withLock { $0 } }

        func create(_ body: ConverterRequest, logger: Logger) async throws(MediaPushError) -> ConverterInfo {
            let id = log.withLock { log in
                log.append("create")
                return "c\(log.filter { $0 == "create" }.count)"
            }
            return ConverterInfo(id: id, state: "running")
        }

        func get(_ id: String, logger: Logger) async throws(MediaPushError) -> ConverterInfo {
            log.withLock { $0.append("get \(id)") }
            return ConverterInfo(id: id, state: "running")
        }

        func delete(_ id: String, logger: Logger) async throws(MediaPushError) { log.withLock { $0.append("delete \(id)") } }
        func list(channel: String?, logger: Logger) async throws(MediaPushError) -> [ConverterList.Member] { [] }
    }

    /// Waits for `condition`; the deadline only guards against a hang.
    func until(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw RelayError(.internal, "condition never held") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func aLateEventOfTheReplacedConverterLeavesTheNewOneAlone() async throws {
        let client = NumberingClient()
        let (lifecycle, _, cell) = try CredentialRefusalTests.lifecycle(client, retries: 0, pollInterval: .milliseconds(20))
        await lifecycle.start()
        try await until { cell.status.id == "c1" }
        await lifecycle.signal(.state(id: "c1", "failed"))
        try await until { cell.status.id == "c2" }
        // c1's deletion, reported after c2 exists: not c2's news.
        await lifecycle.signal(.destroyed(id: "c1", reason: "Delete Request"))
        await lifecycle.signal(.state(id: "c1", "failed"))
        // c2 is read back (a poll after those signals) and is still the one.
        let reads = client.calls.filter { $0 == "get c2" }.count
        try await until { client.calls.filter { $0 == "get c2" }.count >= reads + 2 }
        #expect(client.calls.filter { $0 == "create" }.count == 2, "\(client.calls)")
        #expect(cell.status.id == "c2" && cell.status.attempt == 2)
        // c2's own destruction is news.
        await lifecycle.signal(.destroyed(id: "c2", reason: "Internal Error"))
        try await until { cell.status.id == "c3" }
        #expect(cell.status.attempt == 3)
        await lifecycle.stop()
        #expect(client.calls.contains("delete c3"))
    }
}
