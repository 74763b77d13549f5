import RelayCore
import Synchronization
import Testing
import TestSupport

/// Retrying a platform's API on a manual clock: doubling waits (or what the platform asked),
/// each retry a relay event, a verdict of "fail" at once, and never past `giveUpAfter`.
@Suite(.timeLimit(.minutes(1)))
struct PlatformCallRetryTests {
    struct Passing: Error, CustomStringConvertible {
        var asked: Duration?
        var description: String { "HTTP 503" }
    }
    struct Refused: Error {}

    final class Notes: CompanionEvents {
        let lines = Mutex<[String]>([])
        func note(_ reason: String, detail: String?) async { lines.withLock { $0.append("\(reason): \(detail ?? "")") } }
        func fail(_ reason: String) async {}
        func state(_ state: RelayState, reason: String?) async {}
        func isPublishing() async -> Bool? { nil }
    }

    static func verdict(_ error: any Error) -> PlatformCallRetry.Verdict {
        guard let passing = error as? Passing else { return .fail }
        return .retry(asked: passing.asked)
    }

    /// Fails with `failures` in turn, then answers 7. Time moves only while the retry
    /// sleeps, in 100 ms steps, so each wait is measured on the clock.
    func run(
        _ retry: PlatformCallRetry, clock: ManualAsyncClock, failures: [any Error], notes: Notes
    ) async throws -> (Int, [Duration]) {
        let calls = Mutex(0)
        let done = Mutex(false)
        let task = Task {
            defer { done.withLock { $0 = true } }
            return try await retry.run("create input", events: notes, verdict: Self.verdict) { () async throws -> Int in
                let call = calls.withLock { count in
                    defer { count += 1 }
                    return count
                }
                if call < failures.count { throw failures[call] }
                return 7
            }
        }
        var waits: [Duration] = []
        while !done.withLock({ $0 }) {
            guard clock.sleeperCount > 0 else {
                await Task.yield()
                continue
            }
            var slept = Duration.zero
            while clock.sleeperCount > 0 {
                clock.advance(by: .milliseconds(100))
                slept += .milliseconds(100)
                await Task.yield()
            }
            waits.append(slept)
        }
        return (try await task.value, waits)
    }

    @Test func passingErrorsAreRetriedWithDoublingWaitsAndEachIsNoted() async throws {
        let clock = ManualAsyncClock()
        let notes = Notes()
        let retry = PlatformCallRetry(backoff: .seconds(1), maxBackoff: .seconds(3), giveUpAfter: .seconds(60), clock: clock)
        let (value, waits) = try await run(retry, clock: clock, failures: [Passing(), Passing(), Passing(), Passing(asked: .seconds(5))], notes: notes)
        #expect(value == 7)
        // 1 s, doubling, capped at 3 s; then the 5 s the platform asked for.
        #expect(waits.reduce(.zero, +) == .seconds(11))
        let lines = notes.lines.withLock { $0 }
        #expect(
            lines == [1, 2, 3, 5].enumerated().map { "platform call retried: create input: retry \($0.offset + 1) in \($0.element)s after: HTTP 503" },
            "\(lines)")
    }

    @Test func aFailVerdictEndsAtOnceAndTimeIsBounded() async throws {
        let clock = ManualAsyncClock()
        let notes = Notes()
        let refused = PlatformCallRetry(clock: clock)
        await #expect(throws: Refused.self) {
            _ = try await run(refused, clock: clock, failures: [Refused()], notes: notes)
        }
        #expect(notes.lines.withLock { $0 }.isEmpty)

        // 1 + 2 + 4 = 7 s of waiting fits in 8 s; the next wait (8 s) would not.
        let bounded = PlatformCallRetry(backoff: .seconds(1), maxBackoff: .seconds(30), giveUpAfter: .seconds(8), clock: clock)
        await #expect(throws: Passing.self) {
            _ = try await run(bounded, clock: clock, failures: Array(repeating: Passing(), count: 10), notes: notes)
        }
        #expect(notes.lines.withLock { $0 }.count == 3)
    }
}
