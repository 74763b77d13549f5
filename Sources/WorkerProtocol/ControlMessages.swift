import RelayCore

/// Supervisor → worker, one JSON object per line on the worker's fd 3.
enum SupervisorMessage: Codable, Sendable {
    /// First message: what to run. The worker never reads config files. `ingestURL` (a
    /// secret: it holds the stream key) is set for a relay whose source is pushed to; its
    /// media then arrives on the worker's fd 4.
    case start(spec: RelaySpec, logLevel: String, drainTimeoutMs: Int64, ingestURL: String? = nil)
    /// End the relay gracefully (outputs close their sessions), then exit.
    case stop
}

/// Worker → supervisor.
enum WorkerMessage: Codable, Sendable {
    /// Sent every second and on exit; rates already computed.
    case stats(RelayStats)
    /// Sent once, just before a clean exit.
    case ended(outcome: EndedOutcome)
}

/// `RelayOutcome` in a wire-friendly shape.
struct EndedOutcome: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable { case finished, stopped, failed }
    var kind: Kind
    var error: RelayError.Class?
    var message: String?
    /// The source stayed away for the whole reconnect window: the relay is over and must not
    /// be restarted (a restart would only find the source gone again).
    var sourceGone: Bool?

    init(_ outcome: RelayOutcome) {
        switch outcome {
        case .finished: kind = .finished
        case .stopped: kind = .stopped
        case .failed(let error):
            kind = .failed
            self.error = error.errorClass
            message = error.message
            if error.errorClass == .source, error.message.hasPrefix(sourceGonePrefix) { sourceGone = true }
        }
    }
}
