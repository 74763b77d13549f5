import Logging
import Metrics
import RelayConfig
import RelayCore
import RelayStore

/// The gateway's relay recorder: PostgreSQL when `database:` is configured, nothing otherwise.
struct RecorderSetup {
    let recorder: any RelayRecorder
    let postgres: PostgresRecorder?

    init(_ settings: DatabaseSettings?, logger: Logger) {
        guard let settings else {
            logger.notice("no database configured: relay state is kept in memory only")
            recorder = DiscardingRecorder()
            postgres = nil
            return
        }
        let postgres = PostgresRecorder(url: DatabaseURL(settings.url), queueLimit: settings.queueLimit, logger: logger)
        logger.notice(
            "relay state goes to PostgreSQL",
            metadata: ["database": "\(DatabaseURL(settings.url).redacted)", "metrics_interval": "\(settings.metricsInterval)"])
        recorder = postgres
        self.postgres = postgres
    }

    /// Publishes the recorder's queue on /metrics every second until cancelled, so an outage
    /// (pending grows) and any overflow (dropped) are visible, never silent.
    func publishGauges() async {
        guard let postgres else { return }
        let pending = Gauge(label: "relaygate_db_pending_records")
        let connected = Gauge(label: "relaygate_db_connected")
        // The recorder keeps running totals; counters advance by what is new since last time.
        let dropped = Counter(label: "relaygate_db_dropped_records_total")
        let failed = Counter(label: "relaygate_db_failed_records_total")
        var counted = (dropped: 0, failed: 0)
        while !Task.isCancelled {
            pending.record(postgres.pendingRecords)
            connected.record(postgres.isConnected ? 1 : 0)
            let now = (dropped: postgres.droppedRecords, failed: postgres.failedRecords)
            if now.dropped > counted.dropped { dropped.increment(by: Int64(now.dropped - counted.dropped)) }
            if now.failed > counted.failed { failed.increment(by: Int64(now.failed - counted.failed)) }
            counted = now
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Writes what is still queued (bounded: an unreachable database does not hold up exit).
    func finish(logger: Logger) async {
        guard let postgres else { return }
        if await !postgres.shutdown(timeout: .seconds(5)) {
            logger.error("PostgreSQL: \(postgres.pendingRecords) relay record(s) could not be written before exit")
        }
    }
}
