import Logging
import MediaEngine
import Synchronization

/// Collects every log line, so tests can check what libav said (and that it was redacted).
/// libav's log is process-wide, so one capture is installed once for the whole test run.
final class LogCapture: Sendable {
    static let shared: LogCapture = {
        let capture = LogCapture()
        MediaLog.install(logger: Logger(label: "libav") { _ in Handler(capture: capture) }, level: .info)
        return capture
    }()

    private let storage = Mutex<[String]>([])

    var lines: [String] { storage.withLock { $0 } }

    fileprivate func append(_ line: String) { storage.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.append("\(event.level) \(event.message)")
        }
    }
}
