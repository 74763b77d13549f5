import Foundation
import RelayCore

/// One try at opening a new instance of a lost source, on a thread of its own: opening may
/// block up to the source's open timeout, while the pipeline's thread keeps the outputs fed.
///
/// The opened source is handed to the pipeline's thread through `take()`, which from then on
/// owns it. An attempt given up (`abandon()`) is interrupted, and whatever it still opens is
/// closed by its own thread, so the source is closed exactly once either way.
final class ReopenAttempt: @unchecked Sendable {
    // @unchecked: the source is not Sendable; it is touched only under `lock`, and by one
    // thread at a time (the opener until it finishes, then the taker).
    private let lock = NSLock()
    let stop = StopSignal()
    private var result: Result<(any MediaSource, [StreamInfo]), any Error>?
    private var abandoned = false

    /// Starts opening the source `make` builds (with this attempt's stop signal).
    init(make: @escaping @Sendable (StopSignal) throws -> any MediaSource) {
        let thread = Thread { [self] in
            let outcome: Result<(any MediaSource, [StreamInfo]), any Error>
            var opened: (any MediaSource)?
            do {
                let source = try make(stop)
                opened = source
                outcome = .success((source, try source.open()))
            } catch {
                opened?.close()
                outcome = .failure(error)
            }
            lock.lock()
            let keep = !abandoned
            if keep { result = outcome }
            lock.unlock()
            if !keep, case .success(let (source, _)) = outcome { source.close() }
        }
        thread.name = "source-reopen"
        thread.start()
    }

    /// The outcome once the attempt has finished; nil while it is still opening.
    func take() -> Result<(any MediaSource, [StreamInfo]), any Error>? {
        lock.lock()
        defer { lock.unlock() }
        let taken = result
        result = nil
        return taken
    }

    /// Gives the attempt up: it is interrupted and closes what it opened itself.
    func abandon() {
        lock.lock()
        abandoned = true
        let left = result
        result = nil
        lock.unlock()
        stop.raise()
        if case .success(let (source, _))? = left { source.close() }
    }
}
