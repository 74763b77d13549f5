internal import CFFmpeg
public import RelayCore

/// A failed libav call: its error code, libav's own text for it (av_strerror), and what we
/// were doing to what. Every av_* failure in this module is turned into one of these.
public struct AVError: Error, Sendable, CustomStringConvertible {
    /// Why an interrupted call stopped, when our interrupt callback made it stop.
    public enum Interruption: Sendable {
        /// The relay's `StopSignal` was raised: a requested stop, not a failure.
        case stopped
        /// The operation's deadline (open or connect timeout) passed.
        case timedOut
    }

    public let code: Int32
    /// libav's text for `code` (or what its log said, see `explained`), any URL in it masked.
    public private(set) var message: String
    /// The call or step that failed, e.g. "avformat_open_input".
    public let operation: String
    /// The input or output, secrets masked.
    public let target: String
    public let interruption: Interruption?

    init(code: Int32, operation: String, target: String, interruption: Interruption? = nil) {
        self.code = code
        self.operation = operation
        self.target = target
        self.interruption = interruption
        switch interruption {
        case .timedOut: self.message = "timed out"
        case .stopped: self.message = "stopped"
        case nil: self.message = Redaction.text(AVError.text(for: code))
        }
    }

    /// An error detected by our own checks before or around a libav call.
    init(_ message: String, operation: String, target: String) {
        self.code = relaygate_averror(EINVAL)
        self.message = Redaction.text(message)
        self.operation = operation
        self.target = target
        self.interruption = nil
    }

    /// The same failure as libav's log explained it, when the code alone says too little (a
    /// TLS certificate that did not verify is just "Input/output error"). An interrupted call
    /// keeps its own message: the stop or the deadline is why it ended.
    func explained(by explanation: String?) -> AVError {
        guard let explanation, interruption == nil else { return self }
        var explained = self
        explained.message = Redaction.text(explanation)
        return explained
    }

    public var isStopped: Bool { interruption == .stopped }
    public var isTimedOut: Bool { interruption == .timedOut || code == relaygate_averror(ETIMEDOUT) }

    public var description: String { "\(target): \(operation): \(message)" }

    /// The classified error callers hand to the runtime. A stop is never anyone's fault,
    /// but callers only see it if they ask libav to do work after stopping.
    public func relayError(_ errorClass: RelayError.Class) -> RelayError {
        RelayError(errorClass, description)
    }

    static func text(for code: Int32) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer in
            relaygate_error_string(code, buffer.baseAddress, buffer.count)
            return String(cString: buffer.baseAddress!)
        }
    }
}

extension AVError {
    static let eof = relaygate_averror_eof()
    static let exit = relaygate_averror_exit()
    static let again = relaygate_averror_eagain()
}

#if canImport(Glibc)
import Glibc
#endif
