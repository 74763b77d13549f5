public import Logging
import Synchronization

/// A logger whose lines (level, message and metadata) tests can read, e.g. to check that a
/// secret never reached the log.
public final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public var all: [String] { lines.withLock { $0 } }

    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Collector(owner: self) }
    }

    public var logger: Logger { logger() }

    private struct Collector: LogHandler {
        let owner: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).merging(metadata) { explicit, _ in explicit }
            owner.lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
        }
    }
}
