import Metrics

/// The ingest server's counters and gauges, through swift-metrics (Prometheus in
/// `relaygate run`). Per-relay publisher numbers come from the relay table instead.
enum IngestMetrics {
    /// Why a connection was turned away or closed early.
    enum Refusal: String {
        case unknownKey = "unknown_key"
        case alreadyPublishing = "already_publishing"
        case maxConnections = "max_connections"
        case protocolError = "protocol_error"
        case timeout
    }

    private static let connections = Meter(label: "relaygate_ingest_connections")
    private static let publishers = Meter(label: "relaygate_ingest_publishers")
    private static let accepted = Counter(label: "relaygate_ingest_connections_total")
    private static let bytes = Counter(label: "relaygate_ingest_received_bytes_total")
    private static let droppedMessages = Counter(label: "relaygate_ingest_dropped_messages_total")

    static func connectionOpened() {
        connections.increment()
        accepted.increment()
    }

    static func connectionClosed() { connections.decrement() }
    static func publishingStarted() { publishers.increment() }
    static func publishingEnded() { publishers.decrement() }
    static func received(_ count: Int) { bytes.increment(by: count) }
    static func dropped() { droppedMessages.increment() }

    static func refused(_ reason: Refusal) {
        Counter(label: "relaygate_ingest_refused_total", dimensions: [("reason", reason.rawValue)]).increment()
    }
}
