import Dispatch
import Glibc

/// Process signals observed through Dispatch: each is ignored at the C level so that the
/// handler runs as ordinary Swift code on a queue, not inside a signal handler.
public final class SignalWatcher: @unchecked Sendable {
    // @unchecked: `sources` never changes after init, and DispatchSource is thread-safe.
    private let sources: [any DispatchSourceSignal]

    public init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    public func cancel() { sources.forEach { $0.cancel() } }
}
