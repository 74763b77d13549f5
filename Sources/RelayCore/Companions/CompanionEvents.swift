/// What a companion tells the supervisor about one relay life. The supervisor hands a fresh
/// one to each `prepare`, so news from a life that is over never reaches a newer one.
public protocol CompanionEvents: Sendable {
    /// Something worth keeping in the relay's history (a retry and its backoff, say).
    func note(_ reason: String, detail: String?) async
    /// The companion gave up: the relay fails with `reason` (no restart), and its channel
    /// falls back to the platform the seller is on.
    func fail(_ reason: String) async
    /// For a relay whose media the companion's service carries by itself (`SourcePlugin
    /// .runsExternally`): its state now, as a worker would report it.
    func state(_ state: RelayState, reason: String?) async
    /// Whether the relay's publisher is connected to the ingest now; nil when unknown (no
    /// ingest endpoint). Lets a companion tell a broken push from an unreachable API.
    func isPublishing() async -> Bool?
    /// The grant of a stage `prepare` left pending (`StageGrant.pending`), once the resource
    /// exists (or a refusal, when it cannot): the output starts from then on. Sent once.
    func granted(_ grant: StageGrant) async
}

extension CompanionEvents {
    public func granted(_ grant: StageGrant) async {}
}
