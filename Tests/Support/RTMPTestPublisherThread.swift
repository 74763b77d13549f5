import Foundation

/// Runs blocking test-publisher calls from `async` tests on a fresh thread, so that a
/// handshake or a real-time send never ties up one of the few cooperative threads.
public enum RTMPTestPublisherThread {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = "RTMPTestPublisher"
            thread.start()
        }
    }
}
