import Logging
import MediaEngine

/// swift-log to stderr (journald adds its own timestamps under systemd, but the CLI and
/// tests read stderr directly, so keep them), and libav's own log routed into it.
enum LogSetup {
    static let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    static func bootstrap(level: String, label: String = "relaygate") -> Logger {
        let logLevel = Logger.Level(rawValue: level) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: label)
        MediaLog.install(logger: Logger(label: "libav"))
        return logger
    }
}
