import Foundation
import RelayCore
import Synchronization

/// A blocking call on a thread of its own, for tests that drive a `ManualClock` from the
/// calling thread while the call waits on it. `wait(timeout:)` only catches a hang: the
/// timeout is never a measurement.
public final class BackgroundCall<Value: Sendable>: Sendable {
    private let outcome = Mutex<Result<Value, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    public init(_ body: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread { [self] in
            let result = Result { try body() }
            outcome.withLock { $0 = result }
            done.signal()
        }
    }

    /// Whether the call has returned or thrown.
    public var isFinished: Bool { outcome.withLock { $0 != nil } }

    /// The call's outcome, or nil if it did not finish within `timeout`.
    public func wait(timeout: Duration = .seconds(60)) -> Result<Value, any Error>? {
        guard done.wait(timeout: .now() + timeout.seconds) == .success else { return nil }
        done.signal()  // the next `wait` returns at once
        return outcome.withLock { $0 }
    }
}
