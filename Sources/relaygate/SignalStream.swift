import RelayRuntime

/// Process signals as an async sequence. Each signal is ignored at the C level and observed
/// through Dispatch instead, so handling runs as ordinary Swift code, not in a handler.
enum SignalStream {
    static func make(_ signals: [Int32]) -> AsyncStream<Int32> {
        AsyncStream { continuation in
            let watcher = SignalWatcher(signals) { continuation.yield($0) }
            continuation.onTermination = { _ in watcher.cancel() }
        }
    }
}
