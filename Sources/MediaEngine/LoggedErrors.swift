#if canImport(Glibc)
import Glibc
#endif
import RelayCore

/// The libav error lines logged on one thread while a call runs there. libav explains some
/// failures only in its log (a TLS certificate that did not verify returns plain EIO); these
/// lines let the error say why. Kept per thread: a protocol logs on the thread that opened
/// it, while other outputs of the same worker open on theirs at the same moment, and the
/// nested contexts (rtmps → tls → tcp) that log carry no link back to our format context.
///
/// Needs `MediaLog.install` (the CLI and every worker run it first); without it the lines
/// go to libav's default stderr printer and `collect` finds none.
final class LoggedErrors {
    struct Line: Sendable, Equatable {
        /// The libav component that logged it ("tls", "rtmps", "tcp").
        let component: String
        /// The message, secrets masked.
        let message: String
    }

    /// More than any one open logs; a pathological loop cannot grow the list without bound.
    private static let limit = 32
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create")
        return key
    }()

    private(set) var lines: [Line] = []

    private init() {}

    /// Runs `body` and returns its result with the error lines libav logged on this thread
    /// meanwhile. Nested collections each see only their own lines.
    static func collect<T>(during body: () -> T) -> (result: T, lines: [Line]) {
        let collector = LoggedErrors()
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, Unmanaged.passUnretained(collector).toOpaque())
        defer { pthread_setspecific(key, previous) }
        let result = withExtendedLifetime(collector) { body() }
        return (result, collector.lines)
    }

    /// Called by the log bridge on the thread that logged; a no-op unless that thread collects.
    static func record(component: String, message: String) {
        guard let raw = pthread_getspecific(key), !message.isEmpty else { return }
        let collector = Unmanaged<LoggedErrors>.fromOpaque(raw).takeUnretainedValue()
        guard collector.lines.count < limit else { return }
        collector.lines.append(Line(component: component, message: Redaction.text(message)))
    }
}
