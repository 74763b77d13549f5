/// How the server answered `publish`.
public enum RTMPTestPublisherOutcome: Sendable, Equatable {
    /// `onStatus` `NetStream.Publish.Start`: media may flow.
    case started
    /// An error `onStatus` (`NetStream.Publish.BadName`, …) or an `_error` to `publish`.
    case rejected(code: String, description: String)
}
