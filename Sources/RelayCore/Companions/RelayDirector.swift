/// Starts and stops relays on behalf of events from outside (a plugin's webhooks), by the
/// same rules as the control API: the config's routes decide, starts are idempotent.
public protocol RelayDirector: Sendable {
    /// Starts the relay for `channel` and seller `sellerUID` when the first route serving the
    /// channel has a source of type `sourceType`.
    func startRelay(channel: String, sellerUID: String, sourceType: String) async -> DirectorOutcome
    /// Stops the channel's relay if it runs with a source of type `sourceType`.
    func stopRelay(channel: String, sourceType: String, reason: String) async -> DirectorOutcome
    /// How long the channel's route lets a lost source stay away (its `reconnect_window`);
    /// nil when no route of type `sourceType` serves the channel.
    func reconnectWindow(channel: String, sourceType: String) async -> Duration?
}

public enum DirectorOutcome: Sendable, Equatable {
    case started(relayID: String)
    case alreadyRunning(relayID: String)
    case stopped(relayID: String)
    /// No route serves the channel, or the first one that does has another source type.
    case noRoute
    /// Nothing to stop.
    case notRunning
    case refused(String)
}
