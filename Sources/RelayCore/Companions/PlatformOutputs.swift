import Foundation
import Synchronization

/// What a platform sink's companion keeps about the outputs it serves — each one relay's
/// output on one platform, with the resource made for it there (a live input, a channel) —
/// and about its platforms as the config defines them. One per companion; every method is
/// safe to call from any task, and none blocks (the supervisor reads `status` while
/// answering requests).
public final class PlatformOutputs<Options: PluginOptions>: Sendable {
    /// One output of one relay.
    public struct Key: Hashable, Sendable {
        /// `route/channel`.
        public var relay: String
        public var platform: String

        public init(relay: String, platform: String) {
            self.relay = relay
            self.platform = platform
        }
    }

    public struct Output: Sendable {
        public var options: Options
        /// Its resource's id at the platform, once made or adopted.
        public var resource: String?
        /// A resource named in the config: used, never deleted.
        public var fixed: Bool
        public var cell: CompanionStatusCell
        /// The relay life's line to the supervisor.
        public var events: any CompanionEvents
        var watcher: Task<Void, Never>?
        var provisioning: Task<Void, Never>?
    }

    struct State {
        var platforms: [String: Options] = [:]
        var outputs: [Key: Output] = [:]
        var adoptable: [Key: String] = [:]
        var configured = false
    }

    private let state = Mutex(State())

    public init() {}

    /// The output stage `relay` is for and its platform's options, decoded from the relay's
    /// spec; nil for a source stage.
    public static func output(of relay: CompanionRelay) throws -> (key: Key, options: Options)? {
        guard case .output(let platform) = relay.stage, let output = relay.spec.outputs.first(where: { $0.name == platform })
        else { return nil }
        do {
            return (Key(relay: relay.id, platform: platform), try JSONDecoder().decode(Options.self, from: Data(output.sink.options.utf8)))
        } catch {
            throw RelayError(.internal, "output \"\(platform)\": unreadable \(output.sink.type) options: \(error)")
        }
    }

    /// Starts serving an output; its status says `creating` under `kind` until told otherwise.
    public func attach(_ key: Key, options: Options, fixed: Bool, kind: String, events: any CompanionEvents) -> CompanionStatusCell {
        let cell = CompanionStatusCell(CompanionStatus(kind: kind, state: "creating"))
        state.withLock { $0.outputs[key] = Output(options: options, fixed: fixed, cell: cell, events: events) }
        return cell
    }

    public func setResource(_ key: Key, _ id: String) {
        state.withLock { $0.outputs[key]?.resource = id }
    }

    /// Makes the output's resource in the background (`make` returns its grant, or a
    /// refusal) and sends the grant through the output's events; `prepare` returns
    /// `StageGrant.pending(what)` meanwhile, so no other output waits for this platform.
    public func provision(_ key: Key, what: String, _ make: @escaping @Sendable () async -> StageGrant) -> StageGrant {
        guard let events = state.withLock({ $0.outputs[key]?.events }) else { return .refused("\(what): not attached") }
        let task = Task {
            let grant = await make()
            await events.granted(grant)
        }
        state.withLock { $0.outputs[key]?.provisioning = task }
        return .pending(what)
    }

    /// Ends the output's provisioning if it still runs (a call in flight is cancelled;
    /// what it made is then known, or found again by the orphan sweep) and waits for it.
    public func stopProvisioning(_ key: Key) async {
        guard let task = state.withLock({ $0.outputs[key]?.provisioning }) else { return }
        task.cancel()
        await task.value
    }

    /// Stops serving an output (its watcher ends); what it was, if it was served.
    public func detach(_ key: Key) -> Output? {
        let output = state.withLock { $0.outputs.removeValue(forKey: key) }
        output?.watcher?.cancel()
        return output
    }

    public func status(_ relay: CompanionRelay) -> CompanionStatus? {
        guard case .output(let platform) = relay.stage else { return nil }
        return state.withLock { $0.outputs[Key(relay: relay.id, platform: platform)]?.cell }?.status
    }

    /// The relay of another output that uses the configured resource `id` now.
    public func holder(of id: String, except key: Key) -> String? {
        state.withLock { state in state.outputs.first { $0.key != key && $0.value.fixed && $0.value.resource == id }?.key.relay }
    }

    /// The output whose resource is `id`.
    public func output(withResource id: String) -> (key: Key, output: Output)? {
        state.withLock { state in state.outputs.first { $0.value.resource == id }.map { ($0.key, $0.value) } }
    }

    /// Whether an output of `relay`, or one using resource `id`, is served now.
    public func isServing(relay: String, resource id: String? = nil) -> Bool {
        state.withLock { state in state.outputs.contains { $0.key.relay == relay || (id != nil && $0.value.resource == id) } }
    }

    /// Runs `look` every `interval` while the output is served (never when it is zero).
    public func watch(_ key: Key, every interval: Duration, _ look: @escaping @Sendable () async -> Void) {
        guard interval > .zero else { return }
        let task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                await look()
            }
        }
        let kept = state.withLock { state -> Bool in
            guard state.outputs[key] != nil else { return false }
            state.outputs[key]?.watcher = task
            return true
        }
        if !kept { task.cancel() }
    }

    /// Takes the platforms of the current config; true the first time (the gateway boots).
    public func configure(_ platforms: [String: PluginConfig]) -> Bool {
        var decoded: [String: Options] = [:]
        for (name, config) in platforms {
            if let options = try? JSONDecoder().decode(Options.self, from: Data(config.options.utf8)) { decoded[name] = options }
        }
        return state.withLock { state in
            state.platforms = decoded
            defer { state.configured = true }
            return !state.configured
        }
    }

    public var platforms: [String: Options] { state.withLock { $0.platforms } }

    /// A resource found at the platform (by its tags, at boot) for an output to adopt.
    public func offer(_ id: String, for key: Key) { state.withLock { $0.adoptable[key] = id } }

    /// The resource offered for `key`, taken.
    public func takeOffer(for key: Key) -> String? { state.withLock { $0.adoptable.removeValue(forKey: key) } }

    /// Entries `companion` recorded in `ledger` whose relay is neither in `relays` nor served
    /// here, each with its platform's options (nil: the config no longer has the platform).
    public func orphans(in ledger: any ResourceLedger, companion: String, keeping relays: Set<String>) async throws
        -> [(resource: ProvisionedResource, options: Options?)]
    {
        let recorded = try await ledger.resources(of: companion)
        let platforms = self.platforms
        return recorded.filter { !relays.contains($0.relayID) && !isServing(relay: $0.relayID, resource: $0.id) }
            .map { ($0, $0.platform.flatMap { platforms[$0] }) }
    }

    /// The gateway stops: every watcher ends.
    public func stopWatching() {
        state.withLock { state in state.outputs.values.forEach { $0.watcher?.cancel() } }
    }
}
