import Foundation
import Logging
import RelayCore

extension PostgresRecorder {
    /// The writer thread's loop: owns the connection, takes the head record, writes it,
    /// removes it only after it was written. Runs until `shutdown`.
    final class Worker: @unchecked Sendable {
        // @unchecked: used by the writer thread alone once started; `shared` has its own lock.
        private let url: DatabaseURL
        private let shared: Shared
        private let logger: Logger
        private let reconnectDelay: ClosedRange<Duration>
        private let connectTimeout: Int
        private let clock: any BlockingClock
        private let writer: RecordWriter
        private var connection: PostgresConnection?
        private var delay: Duration
        /// When each kind of failure was last logged.
        private var lastFailureLog: [FailureKind: Duration] = [:]

        private enum FailureKind { case unavailable, refused }

        init(
            url: DatabaseURL, shared: Shared, logger: Logger, reconnectDelay: ClosedRange<Duration>, connectTimeout: Int,
            clock: any BlockingClock
        ) {
            self.url = url
            self.clock = clock
            self.shared = shared
            self.logger = logger
            self.reconnectDelay = reconnectDelay
            self.connectTimeout = connectTimeout
            writer = RecordWriter(logger: logger)
            delay = reconnectDelay.lowerBound
        }

        func run() {
            while let record = nextRecord() {
                guard let connection = connected() else {
                    pause()
                    continue
                }
                do {
                    try writer.write(record, on: connection)
                    finish(failed: false)
                } catch where error.kind == .connection {
                    lost(error)
                } catch {
                    writer.forgetChannels()
                    logFailure(.refused, "database refused a record of \(record.channel) (skipped): \(error)")
                    finish(failed: true)
                }
            }
            connection = nil
            shared.locked { $0.connected = false }
        }

        /// Waits for a record and pins it at the head; nil once stopping.
        private func nextRecord() -> RelayRecord? {
            shared.condition.lock()
            defer { shared.condition.unlock() }
            while !shared.stopping {
                if let record = shared.queue.first() {
                    shared.queue.isHeadPinned = true
                    return record
                }
                shared.condition.wait()
            }
            return nil
        }

        private func finish(failed: Bool) {
            shared.locked { shared in
                shared.queue.removeFirst()
                if failed { shared.failed += 1 }
            }
        }

        /// The open connection, or a new one; nil (logged) when PostgreSQL cannot be reached.
        private func connected() -> PostgresConnection? {
            if let connection { return connection }
            do {
                let fresh = try PostgresConnection(url: url, connectTimeout: connectTimeout)
                try writer.prepare(fresh)
                connection = fresh
                delay = reconnectDelay.lowerBound
                let (pending, unreported, dropped) = shared.locked { shared in
                    shared.connected = true
                    defer { shared.droppedSinceReport = 0 }
                    return (shared.queue.count, shared.droppedSinceReport, shared.dropped)
                }
                logger.info("database connected (\(url.redacted)); writing \(pending) queued record(s)")
                // Drops after the last rate-limited warning are told here, so none go unmentioned.
                if unreported > 0 {
                    logger.warning("database queue overflowed while unreachable: \(unreported) more record(s) dropped, \(dropped) in all")
                }
                return fresh
            } catch {
                logFailure(.unavailable, "database unavailable, relay records are queued: \(error)")
                return nil
            }
        }

        private func lost(_ error: PostgresError) {
            connection = nil
            let pending = shared.locked { shared in
                shared.connected = false
                return shared.queue.count
            }
            logger.warning("database connection lost, \(pending) record(s) queued; reconnecting: \(error)")
        }

        /// Sleeps the backoff (woken early by shutdown), then doubles it up to the maximum.
        private func pause() {
            shared.condition.lock()
            let until = clock.now + delay
            while !shared.stopping, clock.now < until { clock.wait(on: shared.condition, until: until) }
            shared.condition.unlock()
            delay = min(delay * 2, reconnectDelay.upperBound)
        }

        /// An error at most every 10 s while the same trouble lasts (one per retry would flood the log).
        private func logFailure(_ kind: FailureKind, _ message: String) {
            let now = clock.now
            guard lastFailureLog[kind].map({ now - $0 >= .seconds(10) }) ?? true else { return }
            lastFailureLog[kind] = now
            logger.error("\(message)")
        }
    }
}
