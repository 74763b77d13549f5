import Logging
import MediaEngine
import TestSupport

/// Every libav log line, so tests can check what libav said (and that it was redacted).
/// libav's log is process-wide, so one capture is installed once for the whole test run.
enum LogCapture {
    static let shared: LogLines = {
        let lines = LogLines()
        MediaLog.install(logger: lines.logger(label: "libav"), level: .info)
        return lines
    }()
}
