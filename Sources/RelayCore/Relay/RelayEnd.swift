/// How a run of a relay ended, as its run says just before exiting.
public enum RelayEnd: Codable, Sendable, Equatable {
    /// The input ended (a file without `loop`, a publisher that left for good).
    case finished
    /// It was asked to stop.
    case stopped
    /// The source stayed away for its whole reconnect window: the relay is over and must
    /// not be restarted (a restart would only find the source gone again).
    case sourceGone(String)
    case failed(RelayError)
}
