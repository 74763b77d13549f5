import Agora
import Foundation
import Logging
import RelayCore

/// One relay's converter, from creation to deletion: create it (adopting the one Agora
/// already has under its name), watch its state through webhooks and periodic reads,
/// recreate it when it fails, and give the relay up when the attempts are spent.
actor ConverterLifecycle {
    enum Outcome: Sendable, Equatable {
        /// Agora reported it failed or it vanished: delete it and make a new one.
        case failed(String)
        /// Agora destroyed it because the seller stayed away (`Idle Timeout`).
        case sellerGone
        /// Agora refused the REST credentials (401): nothing but new settings helps.
        case refused(String)
        case cancelled
    }

    let relayID: String
    let plan: ConverterPlan
    let attempts: Int
    private let client: any MediaPushCalls
    private let retry: RESTRetry
    private let pollInterval: Duration
    private let events: any CompanionEvents
    private let cell: CompanionStatusCell
    private let logger: Logger
    /// Told when Agora destroyed the converter because the seller left (the service decides
    /// when the relay stops).
    private let onSellerGone: @Sendable () async -> Void

    private var converterID: String?
    /// A Create went out: even without its answer, a converter may exist under our name.
    private var createSent = false
    private var pending: [ConverterSignal] = []
    private var waiter: CheckedContinuation<Void, Never>?
    private var task: Task<Void, Never>?
    /// Set by `stop()`: a lifecycle stopped before it started never starts (its relay is gone).
    private var stopped = false
    /// The converter has pushed (been `running`) at least once: a direct relay whose push
    /// stops after that is reconnecting, not starting.
    private var hasRun = false
    /// Agora answered 401: later calls (the list behind a lost Create) would be refused too.
    private var credentialsRefused = false

    init(
        relayID: String, plan: ConverterPlan, attempts: Int, client: any MediaPushCalls, retry: RESTRetry,
        pollInterval: Duration, events: any CompanionEvents, cell: CompanionStatusCell, logger: Logger,
        onSellerGone: @escaping @Sendable () async -> Void
    ) {
        self.relayID = relayID
        self.plan = plan
        self.attempts = attempts
        self.client = client
        self.retry = retry
        self.pollInterval = pollInterval
        self.events = events
        self.cell = cell
        self.logger = logger
        self.onSellerGone = onSellerGone
    }

    func start() {
        guard task == nil, !stopped else { return }
        task = Task { await self.run() }
    }

    /// Ends the lifecycle and deletes the converter (retrying as Agora advises): the relay is gone.
    func stop() async {
        stopped = true
        task?.cancel()
        wake()
        await task?.value
        var known = converterID
        if known == nil, createSent, !credentialsRefused { known = await findByName() }
        guard let id = known else { return }
        converterID = nil
        do {
            try await retry.run { () throws(MediaPushError) in try await client.delete(id, logger: logger) }
            logger.info("agora converter deleted", metadata: ["converter": "\(id)"])
        } catch where error.statusCode == 404 {
            // Already gone (idle timeout, or deleted by someone else): nothing to do.
        } catch {
            logger.error("agora converter \(id) could not be deleted: \(error); boot cleanup will retry")
        }
    }

    /// The converter under this relay's name, if Agora lists one (a Create cut short).
    private func findByName() async -> String? {
        let members = try? await client.list(channel: plan.channel, logger: logger)
        return members?.first { $0.name == plan.name }?.id
    }

    func signal(_ signal: ConverterSignal) {
        pending.append(signal)
        wake()
    }

    // MARK: - The loop

    private func run() async {
        var attempt = 1
        while !Task.isCancelled {
            cell.update {
                $0.attempt = attempt
                $0.id = nil
            }
            await setState("creating")
            let id: String
            do {
                id = try await createOrAdopt()
            } catch {
                if Task.isCancelled { return }
                let why = "converter could not be created: \(error)"
                cell.update { $0.lastError = why }
                if error.refusesCredentials {
                    // Every further try would be refused alike: fail now, saying what to fix.
                    credentialsRefused = true
                    await giveUp("agora media push: \(why)")
                    return
                }
                guard attempt < attempts else {
                    await giveUp("agora media push: \(why) (attempt \(attempt) of \(attempts))")
                    return
                }
                attempt += 1
                let wait = retry.delay(before: 1)
                await note("\(why); attempt \(attempt) of \(attempts) in \(Self.seconds(wait))", detail: nil)
                try? await Task.sleep(for: wait)
                continue
            }
            converterID = id
            cell.update { $0.id = id }
            if cell.status.state == "creating" { await setState("connecting") }
            switch await watch(id) {
            case .cancelled:
                return
            case .refused(let why):
                credentialsRefused = true
                await giveUp("agora media push: \(why)")
                return
            case .sellerGone:
                converterID = nil
                cell.update { $0.id = nil }
                await setState("idle")
                await note("converter destroyed by Agora: Idle Timeout (the seller left)", detail: id)
                await onSellerGone()
                // The relay may still be in its reconnect window: a returning seller gets a new converter.
                guard await waitForSellerBack() else { return }
                await note("seller is back: creating the converter again", detail: nil)
            case .failed(let why):
                cell.update { $0.lastError = why }
                await deleteQuietly(id)
                converterID = nil
                guard attempt < attempts else {
                    await giveUp("agora media push: \(why) (attempt \(attempt) of \(attempts))")
                    return
                }
                attempt += 1
                await note("\(why); recreating it (attempt \(attempt) of \(attempts))", detail: id)
            }
        }
    }

    /// Creates the converter; a 409 means it exists under our name (an earlier run, or a
    /// Create whose answer was lost): adopt it instead of making a second push.
    private func createOrAdopt() async throws(MediaPushError) -> String {
        do {
            createSent = true
            let info = try await retry.run(
                { () throws(MediaPushError) in try await client.create(plan.request, logger: logger) },
                retrying: { n, wait, error in
                    await self.note("agora create converter: \(error); retry \(n) in \(Self.seconds(wait))", detail: nil)
                })
            logger.info(
                "agora converter created", metadata: ["converter": "\(info.id)", "mode": "\(plan.mode.rawValue)"])
            await note("converter created (\(plan.mode.rawValue))", detail: info.id)
            if let state = info.state { await setState(state) }
            return info.id
        } catch where error.statusCode == 409 {
            return try await adopt()
        }
    }

    private func adopt() async throws(MediaPushError) -> String {
        let members = try await retry.run { () throws(MediaPushError) in
            try await client.list(channel: plan.channel, logger: logger)
        }
        guard let existing = members.first(where: { $0.name == plan.name }) else {
            // Agora says it exists but does not list it (yet): a retryable conflict.
            throw .status(409, message: "converter \(plan.name) exists but is not listed yet")
        }
        if let url = existing.rtmpURL, url != plan.request.converter.rtmpUrl {
            // It pushes to a key this relay no longer has (a gateway without its database
            // restarted): replace it, or it would push into nothing.
            await deleteQuietly(existing.id)
            await note("existing converter pushed elsewhere; replaced it", detail: existing.id)
            let info = try await retry.run { () throws(MediaPushError) in
                try await client.create(plan.request, logger: logger)
            }
            return info.id
        }
        logger.notice("agora converter adopted", metadata: ["converter": "\(existing.id)"])
        await note("adopted the existing converter (409 on create)", detail: existing.id)
        if let state = existing.state { await setState(state) }
        return existing.id
    }

    /// Until the converter fails, vanishes, or the lifecycle ends. Webhooks wake it early;
    /// otherwise it reads the converter back every `pollInterval`.
    private func watch(_ id: String) async -> Outcome {
        var missing = 0
        var unavailable = 0
        while !Task.isCancelled {
            await waitForSignal(upTo: pollInterval)
            if Task.isCancelled { return .cancelled }
            for signal in drain() {
                switch signal {
                case .state(id, let state):
                    await setState(state)
                    if state == "failed" { return .failed("Agora reported the converter failed") }
                case .destroyed(id, let reason):
                    if reason == "Idle Timeout" { return .sellerGone }
                    return .failed("Agora destroyed the converter (\(reason))")
                case .state, .destroyed, .sellerBack:
                    // Another converter's news (one this lifecycle replaced), or nothing to do here.
                    break
                }
            }
            do {
                let info = try await client.get(id, logger: logger)
                missing = 0
                unavailable = 0
                if let state = info.state { await setState(state) }
                if info.state == "failed" { return .failed("Agora reported the converter failed") }
            } catch {
                if error.refusesCredentials { return .refused("converter \(id) could not be read: \(error)") }
                // Agora: three 404s in a row mean the task is gone. Three 5xx (or no answer)
                // in a row mean it failed too — unless its push is still arriving: then only
                // the API is unwell, and a healthy stream is left alone.
                if error.statusCode == 404 {
                    missing += 1
                    if missing >= 3 { return .failed("the converter is gone (404 three times in a row)") }
                } else if error.statusCode != 429 {
                    unavailable += 1
                    if unavailable >= 3 {
                        if await events.isPublishing() == false {
                            return .failed("agora REST failed three times in a row (\(error)) and no push arrives")
                        }
                        if unavailable == 3 {
                            await note("agora REST unavailable while watching (\(error)); the push still arrives", detail: id)
                        }
                    }
                }
            }
        }
        return .cancelled
    }

    private func waitForSellerBack() async -> Bool {
        while !Task.isCancelled {
            await waitForSignal(upTo: .seconds(3600))
            if drain().contains(.sellerBack) { return true }
        }
        return false
    }

    private func drain() -> [ConverterSignal] {
        defer { pending = [] }
        return pending
    }

    private func waitForSignal(upTo timeout: Duration) async {
        guard pending.isEmpty, !Task.isCancelled else { return }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            self.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if !pending.isEmpty || Task.isCancelled {
                    continuation.resume()
                } else {
                    waiter = continuation
                }
            }
        } onCancel: {
            Task { await self.wake() }
        }
        timer.cancel()
    }

    private func wake() {
        waiter?.resume()
        waiter = nil
    }

    private func deleteQuietly(_ id: String) async {
        do {
            try await client.delete(id, logger: logger)
        } catch {
            logger.info("agora converter \(id) could not be deleted now: \(error)")
        }
    }

    /// Records the converter's state; for a direct relay (no worker to say how the stream
    /// is), it is also the relay's state.
    private func setState(_ state: String) async {
        let before = cell.status.state
        cell.update { $0.state = state }
        guard plan.direct, state != before else { return }
        if state == "running" { hasRun = true }
        let relayState: RelayState =
            switch state {
            case "running": .active
            default: hasRun ? .reconnecting : .starting
            }
        await events.state(relayState, reason: relayState == .active ? nil : "agora converter \(state)")
    }

    private func giveUp(_ reason: String) async {
        cell.update {
            $0.state = "failed"
            $0.lastError = reason
        }
        logger.error("\(reason); the relay fails")
        await events.fail(reason)
    }

    private func note(_ reason: String, detail: String?) async {
        await events.note(reason, detail: detail)
    }

    static func seconds(_ duration: Duration) -> String {
        String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }
}
