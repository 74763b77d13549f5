public import RelayCore

extension RelayLifecycle {
    /// What the supervisor carries out, in the order given.
    public enum Action: Sendable, Equatable {
        /// A life begins: the companions prepare the relay; answer with `prepared()` or
        /// `prepareFailed(_:)`.
        case prepare
        /// Start run `generation` with the executor; its events come back tagged with it.
        case launch(generation: Int)
        /// Ask the run to end cleanly (outputs close their sessions).
        case stopRun(generation: Int)
        /// The run overran its stop deadline.
        case killRun(generation: Int)
        case schedule(LifecycleTimer, at: Instant)
        case cancel(LifecycleTimer)
        /// The life is over: the companions release what they prepared. Exactly once per
        /// `prepare`, and after the life's last run exited.
        case cleanup
        /// The relay is over: it leaves the table (its ingest endpoint goes with it) and its
        /// history says `reason`.
        case remove(reason: String)
        /// The reload's replacement takes over: swap in its spec and `begin()` again.
        case startReplacement
        /// A run ended and another starts (now, or after `delay`): for the history and the log.
        case restarting(attempt: Int, delay: Duration, why: String)
        /// A run ended the relay for a reason worth logging before what follows.
        case runEnded(RunEnding)
        /// Restarting stops: the relay is failed with `reason`, its channel falls back.
        case gaveUp(reason: String)
    }

    /// How a run ended, as the log and the history tell it.
    public enum RunEnding: Sendable, Equatable {
        /// It failed, died or its input ended, as its last word (`end`, nil when it died
        /// without one) and its exit (`exit`) tell.
        case failed(end: RelayEnd?, exit: String)
        /// A pushed source's publisher left; the relay waits for the next one.
        case publisherGoneWaiting
        /// A pushed source's publisher left and the relay ends with it.
        case publisherGone
        /// The source stayed away for its whole reconnect window.
        case sourceGone(String)
    }
}

extension RelayLifecycle.RunEnding {
    /// Why, in one line for the history: the run's own error, or how its process ended.
    public var why: String {
        switch self {
        case .failed(let end, let exit):
            switch end {
            case .failed(let error)?: "\(error.errorClass.rawValue): \(error.message)"
            case .finished?: "input ended"
            case .sourceGone(let message)?: "source-gone: \(message)"
            case .stopped?, nil: "worker \(exit)"
            }
        case .publisherGoneWaiting: "publisher gone; waiting for the next one"
        case .publisherGone: "source-gone: the publisher left"
        case .sourceGone(let message): "source-gone: \(message)"
        }
    }
}
