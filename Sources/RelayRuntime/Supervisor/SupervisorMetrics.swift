import Metrics

/// The supervisor's event counters, through swift-metrics: whichever backend the process
/// bootstrapped (Prometheus in `relaygate run`) receives them.
enum SupervisorMetrics {
    static func workerStarted() { Counter(label: "relaygate_relay_starts_total").increment() }
    static func relayStopped() { Counter(label: "relaygate_relay_stops_total").increment() }
    static func relayFailed() { Counter(label: "relaygate_relay_failures_total").increment() }
    static func relayRestarted() { Counter(label: "relaygate_relay_restarts_total").increment() }
}
