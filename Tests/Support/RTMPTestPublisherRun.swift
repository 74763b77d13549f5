import Foundation

/// Publishing in progress on a thread of its own (`RTMPTestPublisher.startSending`): a test
/// keeps checking the server meanwhile, then stops it or waits for the file to end.
public final class RTMPTestPublisherRun: @unchecked Sendable {
    // @unchecked: `finished` and `failure` are only touched under `condition`.
    private let condition = NSCondition()
    private var finished = false
    private var failure: (any Error)?
    private let requestStop: @Sendable () -> Void

    init(stop: @escaping @Sendable () -> Void, _ body: @escaping @Sendable () throws -> Void) {
        requestStop = stop
        let thread = Thread { [condition, weak self] in
            var failure: (any Error)?
            do { try body() } catch { failure = error }
            condition.lock()
            self?.finished = true
            self?.failure = failure
            condition.broadcast()
            condition.unlock()
        }
        thread.name = "RTMPTestPublisher"
        thread.start()
    }

    public var isFinished: Bool { condition.withLock { finished } }
    /// Why sending ended early (the server closed, a timeout), once it has.
    public var error: (any Error)? { condition.withLock { failure } }

    /// Asks the sender to stop after the message in hand and waits for it; rethrows what
    /// ended it if that was an error rather than this stop.
    public func stop(timeout: Duration = .seconds(10)) throws {
        requestStop()
        try wait(timeout: timeout)
    }

    /// Blocks until the sender is done (end of file, stop, error); rethrows its error.
    public func wait(timeout: Duration) throws {
        let deadline = Date(
            timeIntervalSinceNow: Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while !finished {
            guard condition.wait(until: deadline) else { break }
        }
        guard finished else { throw RTMPTestPublisherError.timeout(waitingFor: "the publishing thread to finish") }
        if let failure { throw failure }
    }

    /// `wait` for `async` tests: polls rather than blocking a cooperative thread.
    public func finish(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isFinished, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try wait(timeout: .zero)
    }

    /// `stop` for `async` tests.
    public func stop(timeout: Duration = .seconds(10)) async throws {
        requestStop()
        try await finish(timeout: timeout)
    }
}
