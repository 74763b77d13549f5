import Agora
public import AsyncHTTPClient
import Foundation
public import Logging
public import RelayCore
import Synchronization

/// The supervisor-side half of source `agora`: one per gateway. It is the `SourceUpstream`
/// that gives each agora relay a Media Push converter publishing into the relay's ingest
/// endpoint, the receiver of Agora's webhooks (NCS) that starts and stops those relays, and
/// the counter of each channel's audience.
public final class AgoraService: Sendable {
    struct Attached {
        var channel: String
        var sellerUID: UInt32
        var lifecycle: ConverterLifecycle
        var cell: StatusCell
    }

    struct State {
        var attached: [String: Attached] = [:]
        /// Deletions under way, awaited at shutdown so no converter outlives the gateway's relays.
        var stopping: [UUID: Task<Void, Never>] = [:]
        /// The same, by relay: a relay attached again (a reload changed it) waits for its
        /// old converter to be gone, or its Create would adopt the old one.
        var stoppingRelays: [String: UUID] = [:]
        /// Per channel: a seller left; the relay stops when this fires (unless they return).
        var lossTimers: [String: Task<Void, Never>] = [:]
        var sequencer = NotificationSequencer()
        var director: (any RelayDirector)?
    }

    public let account: AgoraSettings
    let client: MediaPushClient
    let logger: Logger
    let state = Mutex(State())

    public init(account: AgoraSettings, http: HTTPClient, logger: Logger) {
        self.account = account
        self.client = MediaPushClient(account: account, http: http)
        self.logger = logger
    }

    /// Who starts and stops relays for webhook events (set once the supervisor exists).
    public func connect(director: any RelayDirector) {
        state.withLock { $0.director = director }
    }

    var restRetry: RESTRetry { RESTRetry(retries: account.restRetries, step: account.restBackoff) }

    /// Waits (up to `timeout`) for converter deletions still under way.
    public func shutdown(timeout: Duration) async {
        state.withLock { state in state.lossTimers.values.forEach { $0.cancel() } }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline, !state.withLock({ $0.stopping.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}

extension AgoraService: SourceUpstream {
    public func serves(_ spec: RelaySpec) -> Bool { spec.source.type == AgoraSourcePlugin.type }

    public func publishesDirectly(_ spec: RelaySpec) -> Bool {
        serves(spec) && (try? JSONDecoder().decode(AgoraSourceOptions.self, from: Data(spec.source.options.utf8)))?.direct == true
    }

    public func attach(_ relay: UpstreamRelay, events: any UpstreamEvents) {
        let plan: ConverterPlan
        let options: AgoraSourceOptions
        do {
            options = try JSONDecoder().decode(AgoraSourceOptions.self, from: Data(relay.spec.source.options.utf8))
            plan = try ConverterPlan(relay: relay, options: options)
        } catch {
            let reason = "agora media push: \(error)"
            logger.error("\(reason)", metadata: ["relay": "\(relay.id)"])
            Task { await events.upstreamFailed(relayID: relay.id, reason: reason) }
            return
        }
        var relayLogger = logger
        relayLogger[metadataKey: "relay"] = "\(relay.id)"
        let cell = StatusCell(UpstreamStatus(kind: "agora-media-push", state: "creating", mode: plan.mode.rawValue))
        let channel = relay.spec.channel
        let lifecycle = ConverterLifecycle(
            relayID: relay.id, plan: plan, attempts: options.attempts, client: client, retry: restRetry,
            pollInterval: account.pollInterval, events: events, cell: cell, logger: relayLogger,
            onSellerGone: { [weak self] in self?.sellerLost(channel: channel, uid: plan.sellerUID, why: "converter idle timeout") })
        state.withLock { $0.attached[relay.id] = Attached(channel: channel, sellerUID: plan.sellerUID, lifecycle: lifecycle, cell: cell) }
        relayLogger.info("agora relay attached: creating its converter (\(plan.mode.rawValue))")
        let previous = state.withLock { state in state.stoppingRelays[relay.id].flatMap { state.stopping[$0] } }
        Task {
            await previous?.value
            await lifecycle.start()
        }
    }

    public func detach(relayID: String) {
        let id = UUID()
        state.withLock { state in
            guard let attached = state.attached.removeValue(forKey: relayID) else { return }
            // Runs after the insert below: the lock is held until this closure returns.
            let task = Task {
                await attached.lifecycle.stop()
                self.state.withLock { state in
                    state.stopping[id] = nil
                    if state.stoppingRelays[relayID] == id { state.stoppingRelays[relayID] = nil }
                }
            }
            state.stopping[id] = task
            state.stoppingRelays[relayID] = id
        }
    }

    public func status(relayID: String) -> UpstreamStatus? {
        state.withLock { $0.attached[relayID]?.cell }?.status
    }
}
