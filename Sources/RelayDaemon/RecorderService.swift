import Logging
import Metrics
import RelayConfig
import RelayStore
import ServiceLifecycle

/// The PostgreSQL recorder as a service: publishes its queue on /metrics while the gateway
/// runs, and when the services after it (the relays) have stopped, writes what is still
/// queued (bounded: an unreachable database does not hold up exit).
struct RecorderService: Service {
    let recorder: PostgresRecorder
    let logger: Logger

    func run() async throws {
        // An outage (pending grows) and any overflow (dropped) are visible, never silent.
        let pending = Gauge(label: "relaygate_db_pending_records")
        let connected = Gauge(label: "relaygate_db_connected")
        // The recorder keeps running totals; counters advance by what is new since last time.
        let dropped = Counter(label: "relaygate_db_dropped_records_total")
        let failed = Counter(label: "relaygate_db_failed_records_total")
        var counted = (dropped: 0, failed: 0)
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            pending.record(recorder.pendingRecords)
            connected.record(recorder.isConnected ? 1 : 0)
            let now = (dropped: recorder.droppedRecords, failed: recorder.failedRecords)
            if now.dropped > counted.dropped { dropped.increment(by: Int64(now.dropped - counted.dropped)) }
            if now.failed > counted.failed { failed.increment(by: Int64(now.failed - counted.failed)) }
            counted = now
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
        }
        if await !recorder.shutdown(timeout: .seconds(5)) {
            logger.error("PostgreSQL: \(recorder.pendingRecords) relay record(s) could not be written before exit")
        }
    }
}
