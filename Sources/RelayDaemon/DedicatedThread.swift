import Foundation

/// Runs blocking work (libpq, file reads) on a thread of its own and awaits it, so it never
/// occupies a thread of the Swift concurrency pool, where async commands' `run` lives.
package enum DedicatedThread {
    package static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.name = name
            thread.start()
        }
    }
}
