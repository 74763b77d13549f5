import Agora
@testable import AgoraSource
import Logging
import RelayCore
import Synchronization
import Testing

/// Agora answering 401 (the customer ID and secret are wrong) fails the relay at once,
/// naming the settings to fix, instead of retrying or recreating the converter.
@Suite struct CredentialRefusalTests {
    static let refused = MediaPushError.status(401, message: "Invalid authentication credentials.")

    @Test func a401NamesTheSettingsAndIsNotRetried() {
        #expect(Self.refused.refusesCredentials && !Self.refused.isRetryable)
        let text = "\(Self.refused)"
        #expect(text.contains("agora.customer_id") && text.contains("agora.customer_secret"), "\(text)")
        #expect(!"\(MediaPushError.status(403, message: "Forbidden"))".contains("customer"))
        #expect(!MediaPushError.status(503, message: nil).refusesCredentials)
    }

    @Test func aRefusedCreateFailsTheRelayAtOnce() async throws {
        let client = ScriptedClient(create: Self.refused)
        let (lifecycle, events, cell) = try Self.lifecycle(client)
        await lifecycle.start()
        let failures = try await events.waitForFailure()
        #expect(failures.count == 1)
        let reason = try #require(failures.first)
        #expect(reason.contains("401") && reason.contains("agora.customer_id") && reason.contains("agora.customer_secret"))
        #expect(cell.status.state == "failed" && cell.status.lastError == reason)
        // No retry and no second attempt; stopping asks Agora nothing more (it would refuse).
        await lifecycle.stop()
        #expect(client.calls == ["create"], "\(client.calls)")
        #expect(events.notes.isEmpty, "\(events.notes)")
    }

    @Test func aRefusedReadBackFailsTheRelayAtOnce() async throws {
        let client = ScriptedClient(create: nil, get: Self.refused)
        let (lifecycle, events, _) = try Self.lifecycle(client)
        await lifecycle.start()
        let reason = try #require(try await events.waitForFailure().first)
        #expect(reason.contains("could not be read") && reason.contains("agora.customer_secret"), "\(reason)")
        await lifecycle.stop()
        // One read was enough (not three in a row); the converter it made is still deleted.
        #expect(client.calls == ["create", "get", "delete"], "\(client.calls)")
    }

    /// One relay's converter lifecycle against `client`, quick to retry and to read back.
    static func lifecycle(
        _ client: any MediaPushCalls, retries: Int = 2, pollInterval: Duration = .milliseconds(10)
    ) throws -> (ConverterLifecycle, RecordedEvents, CompanionStatusCell) {
        let plan = try ConverterPlan(
            relay: ConverterPlanTests.relay(transcoder: ConverterPlanTests.passthrough), options: AgoraSourceOptions())
        let events = RecordedEvents()
        let cell = CompanionStatusCell(CompanionStatus(kind: "agora-media-push", state: "creating", mode: "raw"))
        let lifecycle = ConverterLifecycle(
            relayID: "sellers/seller_42", plan: plan, attempts: 3, client: client,
            retry: RESTRetry(retries: retries, step: .milliseconds(10)), pollInterval: pollInterval, events: events,
            cell: cell, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, onSellerGone: {})
        return (lifecycle, events, cell)
    }
}

/// Media Push answering as scripted: `create` and `get` fail with their error, or succeed.
final class ScriptedClient: MediaPushCalls {
    private let log = Mutex<[String]>([])
    let createError: MediaPushError?
    let getError: MediaPushError?

    init(create: MediaPushError?, get: MediaPushError? = nil) {
        createError = create
        getError = get
    }

    var calls: [String] { log.withLock { $0 } }

    func create(_ body: ConverterRequest, logger: Logger) async throws(MediaPushError) -> ConverterInfo {
        log.withLock { $0.append("create") }
        if let createError { throw createError }
        return ConverterInfo(id: "c1", state: "connecting")
    }

    func get(_ id: String, logger: Logger) async throws(MediaPushError) -> ConverterInfo {
        log.withLock { $0.append("get") }
        if let getError { throw getError }
        return ConverterInfo(id: id, state: "running")
    }

    func delete(_ id: String, logger: Logger) async throws(MediaPushError) {
        log.withLock { $0.append("delete") }
    }

    func list(channel: String?, logger: Logger) async throws(MediaPushError) -> [ConverterList.Member] {
        log.withLock { $0.append("list") }
        return []
    }
}

/// What the lifecycle told the supervisor.
final class RecordedEvents: CompanionEvents {
    private let state = Mutex<(failures: [String], notes: [String])>(([], []))

    var notes: [String] { state.withLock { $0.notes } }

    func note(_ reason: String, detail: String?) async { state.withLock { $0.notes.append(reason) } }
    func fail(_ reason: String) async { state.withLock { $0.failures.append(reason) } }
    func state(_ state: RelayState, reason: String?) async {}
    func isPublishing() async -> Bool? { nil }

    /// The failures once there is one; a generous deadline only guards against a hang.
    func waitForFailure() async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let failures = state.withLock { $0.failures }
            if !failures.isEmpty { return failures }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw NoFailure()
    }

    struct NoFailure: Error {}
}
