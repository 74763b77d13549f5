/// Agora's retry advice for REST calls (agora.md §1.9): retry 404, 429, 5xx and no answer,
/// waiting about 5–6 s, 10–11 s, 15–16 s — a growing step plus up to a second of jitter, so
/// many relays retrying together do not hit the rate limit together.
struct RESTRetry: Sendable {
    var retries: Int
    var step: Duration

    /// The wait before retry `n` (1-based).
    func delay(before retry: Int) -> Duration {
        step * retry + .milliseconds(Int.random(in: 0...min(1000, Int(step.components.seconds * 1000 + 200))))
    }

    /// Runs `call` until it succeeds, fails for good, or the retries are spent. `retrying` is
    /// told about each retry before its wait (for the relay's history).
    func run<T: Sendable>(
        isolation: isolated (any Actor)? = #isolation,
        _ call: () async throws(MediaPushError) -> T,
        retrying: (_ retry: Int, _ delay: Duration, _ error: MediaPushError) async -> Void = { _, _, _ in }
    ) async throws(MediaPushError) -> T {
        var retry = 0
        while true {
            do {
                return try await call()
            } catch {
                guard error.isRetryable, retry < retries, !Task.isCancelled else { throw error }
                retry += 1
                let wait = delay(before: retry)
                await retrying(retry, wait, error)
                try? await Task.sleep(for: wait)
                if Task.isCancelled { throw error }
            }
        }
    }
}
