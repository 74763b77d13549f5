internal import CFFmpeg
public import Logging
import RelayCore
import Synchronization

/// Routes libav's log (normally printed to stderr) into swift-log. libav prints URLs, stream
/// keys included, so every line is passed through `Redaction.text` first.
public enum MediaLog {
    private static let logger = Mutex<Logger?>(nil)

    /// Installs the process-wide libav log handler. Lines below `level` are dropped before
    /// they are formatted, so a quiet level costs nothing; error lines are always formatted,
    /// because a failed call reads the ones logged on its thread (`LoggedErrors`) to say why.
    public static func install(logger: Logger, level: Logger.Level = .warning) {
        self.logger.withLock { $0 = logger }
        relaygate_install_av_log(mediaLogSink, avLevel(for: level))
    }

    fileprivate static func forward(level: Int32, line: String, component: String, message: String) {
        if level <= AV_LOG_ERROR { LoggedErrors.record(component: component, message: trimmed(message)) }
        guard level <= av_log_get_level() else { return }
        let text = trimmed(line)
        guard !text.isEmpty, let logger = logger.withLock({ $0 }) else { return }
        logger.log(level: swiftLevel(for: level), "\(Redaction.text(text))", metadata: nil, source: "libav")
    }

    private static func trimmed(_ text: String) -> String {
        var text = text
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return text
    }

    static func avLevel(for level: Logger.Level) -> Int32 {
        switch level {
        case .trace: AV_LOG_TRACE
        case .debug: AV_LOG_DEBUG
        case .info, .notice: AV_LOG_INFO
        case .warning: AV_LOG_WARNING
        case .error: AV_LOG_ERROR
        case .critical: AV_LOG_FATAL
        }
    }

    static func swiftLevel(for level: Int32) -> Logger.Level {
        switch level {
        case ...AV_LOG_FATAL: .critical
        case ...AV_LOG_ERROR: .error
        case ...AV_LOG_WARNING: .warning
        case ...AV_LOG_INFO: .info
        case ...AV_LOG_DEBUG: .debug
        default: .trace
        }
    }
}

/// Called by the C shim with a finished line; may run on any libav thread.
private func mediaLogSink(
    _ level: Int32, _ line: UnsafePointer<CChar>?, _ component: UnsafePointer<CChar>?, _ message: UnsafePointer<CChar>?
) {
    guard let line else { return }
    MediaLog.forward(
        level: level, line: String(cString: line), component: component.map { String(cString: $0) } ?? "",
        message: message.map { String(cString: $0) } ?? "")
}
