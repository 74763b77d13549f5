import Foundation
import RelayCore
import Synchronization

/// The dedicated thread of a reader (blocking I/O never runs on the Swift concurrency pool):
/// runs the reader's loop, hands a thrown error to `failed`, and can be stopped and joined.
final class ReaderThread: Sendable {
    /// Raised by `stop()`; the loop checks it between polls.
    let stopSignal = StopSignal()
    private let started = Atomic<Bool>(false)
    private let done = DispatchSemaphore(value: 0)

    func start(
        name: String, _ body: @escaping @Sendable () throws(RelayError) -> Void,
        failed: @escaping @Sendable (RelayError) -> Void
    ) {
        started.store(true, ordering: .releasing)
        let thread = Thread { [self] in
            do throws(RelayError) {
                try body()
            } catch {
                failed(error)
            }
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Ends the loop and waits for the thread (at once if it never started).
    func stop() {
        stopSignal.raise()
        if started.load(ordering: .acquiring) { done.wait() }
    }
}
