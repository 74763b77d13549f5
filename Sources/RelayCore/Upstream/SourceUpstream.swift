/// A service outside the gateway that publishes a relay's source into the ingest server —
/// Agora Media Push, driven over its REST API. It runs in the supervisor for as long as the
/// relay exists: the supervisor attaches each relay it serves once the relay's ingest
/// endpoint is claimed, and detaches it when the relay is gone, so the relay and its upstream
/// never outlive each other.
public protocol SourceUpstream: Sendable {
    /// Whether relays with this spec need this upstream (their source type is its own).
    func serves(_ spec: RelaySpec) -> Bool
    /// Whether the upstream pushes this relay straight to its platform (Agora Media Push's
    /// direct mode): then the relay has no ingest endpoint and no worker, and its state is
    /// what the upstream reports (`UpstreamEvents.upstreamState`).
    func publishesDirectly(_ spec: RelaySpec) -> Bool
    /// Makes the push into `relay.ingestURL` (or, direct, to the platform) happen; returns at once (work goes on in the
    /// background and is reported through `events`).
    func attach(_ relay: UpstreamRelay, events: any UpstreamEvents)
    /// The relay is gone: stop the push (and release what it holds upstream).
    func detach(relayID: String)
    /// What the upstream is doing for a relay, for status and metrics; nil: not attached.
    func status(relayID: String) -> UpstreamStatus?
}

/// A relay as its upstream sees it.
public struct UpstreamRelay: Sendable {
    /// `route/channel`.
    public var id: String
    public var spec: RelaySpec
    /// Whose stream to push: the seller's uid from the webhook or the API request; nil when
    /// the relay was not started for a seller (its source options may name one).
    public var sellerUID: String?
    /// Where to publish: the ingest server's public URL plus the relay's app and key (a
    /// secret); nil for a relay the upstream pushes straight to its platform.
    public var ingestURL: String?

    public init(id: String, spec: RelaySpec, sellerUID: String?, ingestURL: String?) {
        self.id = id
        self.spec = spec
        self.sellerUID = sellerUID
        self.ingestURL = ingestURL
    }
}

/// What an upstream tells the supervisor about a relay.
public protocol UpstreamEvents: Sendable {
    /// Something worth keeping in the relay's history (a retry and its backoff, say).
    func upstreamNote(relayID: String, reason: String, detail: String?) async
    /// The upstream gave up: the relay fails with `reason` (no restart), and its channel
    /// falls back to Agora only.
    func upstreamFailed(relayID: String, reason: String) async
    /// For a relay the upstream pushes straight to its platform: its state now (`active`
    /// while the push runs), as a worker would report it.
    func upstreamState(relayID: String, state: RelayState, reason: String?) async
    /// Whether the relay's publisher is connected to the ingest now; nil when unknown (a
    /// direct relay). Lets an upstream tell a broken push from an unreachable API.
    func upstreamIsPublishing(relayID: String) async -> Bool?
}
