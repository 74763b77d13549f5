import Foundation
public import Logging
public import RelayCore

/// A `RelayRecorder` that keeps relay state and metrics in PostgreSQL (what lands where:
/// `RecordWriter`; what is dropped when full: `RecordQueue`).
///
/// `record` only appends to a bounded queue under a lock and returns. One dedicated thread
/// (not the Swift concurrency pool, not an event loop) owns the connection and writes the
/// queue in order. When PostgreSQL is unreachable the record at the head stays, the thread
/// reconnects with backoff and then carries on where it was, so relays never wait on the
/// database and nothing is lost unless the queue overflows (counted in `droppedRecords`).
///
/// Built from the config at integration:
/// ```swift
/// if let database = config.settings.database {
///     recorder = PostgresRecorder(url: DatabaseURL(database.url), queueLimit: database.queueLimit, logger: logger)
/// } else {
///     logger.notice("no database configured: relay state is kept in memory only")
///     recorder = DiscardingRecorder()
/// }
/// ```
/// and `await recorder.shutdown(timeout: .seconds(5))` after the relays have stopped.
public final class PostgresRecorder: RelayRecorder, @unchecked Sendable {
    // @unchecked: all mutable state is in `shared`, guarded by its condition's lock.
    private let shared: Shared
    private let logger: Logger
    private let clock: any BlockingClock

    /// `reconnectDelay`: the first retry's pause, doubled per failure up to the upper bound.
    /// `clock` times the reconnect backoff and how often trouble is logged.
    public init(
        url: DatabaseURL, queueLimit: Int = 10_000, logger: Logger,
        reconnectDelay: ClosedRange<Duration> = .milliseconds(500)...(.seconds(5)), connectTimeout: Int = 5,
        clock: any BlockingClock = SystemClock()
    ) {
        self.logger = logger
        self.clock = clock
        shared = Shared(limit: queueLimit)
        let worker = Worker(
            url: url, shared: shared, logger: logger, reconnectDelay: reconnectDelay, connectTimeout: connectTimeout,
            clock: clock)
        let thread = Thread { worker.run() }
        thread.name = "relaygate-db"
        thread.start()
    }

    public func record(_ record: RelayRecord) {
        shared.condition.lock()
        let dropped = shared.queue.push(record)
        var report: (dropped: Int, total: Int, limit: Int)?
        if dropped != nil {
            shared.dropped += 1
            shared.droppedSinceReport += 1
            let now = clock.now
            // One warning per 10 s at most: an outage can overflow at every sample.
            if shared.lastDropReport.map({ now - $0 >= .seconds(10) }) ?? true {
                report = (shared.droppedSinceReport, shared.dropped, shared.queue.limit)
                shared.droppedSinceReport = 0
                shared.lastDropReport = now
            }
        }
        shared.condition.signal()
        shared.condition.unlock()
        if let report {
            logger.warning(
                "database queue full (\(report.limit) records): dropped \(report.dropped) record(s), \(report.total) in all; oldest metrics samples go first")
        }
    }

    /// Records queued and not yet written.
    public var pendingRecords: Int { shared.locked { $0.queue.count } }
    /// Records dropped because the queue was full.
    public var droppedRecords: Int { shared.locked { $0.dropped } }
    /// Records PostgreSQL refused (not a connection problem); logged and skipped.
    public var failedRecords: Int { shared.locked { $0.failed } }
    /// Whether the writer holds a working connection (for readiness and /metrics).
    public var isConnected: Bool { shared.locked { $0.connected } }

    /// Waits until every queued record is written, or `timeout` passes; true when empty.
    public func flush(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while pendingRecords > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return pendingRecords == 0
    }

    /// Flushes (up to `timeout`), then stops the writer thread and closes the connection.
    /// Records still queued then are logged as lost. Returns whether everything was written.
    public func shutdown(timeout: Duration) async -> Bool {
        let flushed = await flush(timeout: timeout)
        let (left, unreported, dropped) = shared.locked { shared in
            shared.stopping = true
            shared.condition.broadcast()
            return (shared.queue.count, shared.droppedSinceReport, shared.dropped)
        }
        if unreported > 0 { logger.warning("database queue overflowed: \(unreported) more record(s) dropped, \(dropped) in all") }
        if left > 0 { logger.error("database writer stopped with \(left) record(s) not written") }
        return flushed
    }

    /// Without `shutdown`, the writer thread would outlive us: stop it (what is queued is lost, and said so).
    deinit {
        let left = shared.locked { shared in
            shared.stopping = true
            shared.condition.broadcast()
            return shared.queue.count
        }
        if left > 0 { logger.error("database recorder released with \(left) record(s) not written") }
    }

    /// State shared by callers and the writer thread.
    final class Shared: @unchecked Sendable {
        // @unchecked: every field is read and written with `condition` locked.
        let condition = NSCondition()
        var queue: RecordQueue
        var dropped = 0
        var droppedSinceReport = 0
        var lastDropReport: Duration?
        var failed = 0
        var connected = false
        var stopping = false

        init(limit: Int) { queue = RecordQueue(limit: limit) }

        func locked<T>(_ body: (Shared) -> T) -> T {
            condition.lock()
            defer { condition.unlock() }
            return body(self)
        }
    }
}
