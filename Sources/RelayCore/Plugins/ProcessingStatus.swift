import Synchronization

/// What a relay's transcoder is doing and why, in words ops and the API show: e.g.
/// `passthrough: source meets profile "auto" (…)`. Written by the transcoder on the pipeline
/// thread, read by whoever reports stats.
public final class ProcessingStatus: Sendable {
    private let text = Mutex<String?>(nil)

    public init() {}

    public var current: String? { text.withLock { $0 } }

    /// Sets the status; returns whether it changed (callers log changes, not repeats).
    @discardableResult
    public func set(_ newValue: String) -> Bool {
        text.withLock { value in
            guard value != newValue else { return false }
            value = newValue
            return true
        }
    }
}
