import AWSIVS
import AWSSigV4
import Foundation
import TestSupport

/// A client of `fake` (with its credentials unless others are given) and a retry policy on
/// `clock` without jitter, so each backoff is exactly base × 2^n.
func makeClient(
    _ fake: FakeIVS, credentials: AWSCredentials? = nil, clock: ManualAsyncClock = ManualAsyncClock(), maxAttempts: Int = 4
) throws -> IVSClient {
    let credentials =
        credentials
        ?? AWSCredentials(accessKeyID: fake.accessKeyID, secretAccessKey: fake.secretAccessKey, sessionToken: fake.sessionToken)
    let retry = IVSRetryPolicy(maxAttempts: maxAttempts, baseDelay: .milliseconds(200), clock: clock, jitter: { $0 })
    return IVSClient(
        configuration: try IVSConfiguration(
            region: fake.region, credentials: credentials, endpoint: fake.endpoint, retry: retry,
            credentialSettings: "ivs.access_key_id / ivs.secret_access_key / ivs.session_token"))
}

/// Runs `body` while moving `clock` on each time the call sleeps, by exactly the delays
/// given, and returns its result and the delays it slept through. No real waiting: the
/// sleeps end only because the test advances the clock.
func whileAdvancing<T: Sendable>(
    _ clock: ManualAsyncClock, by delays: [Duration], _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let task = Task { try await body() }
    for delay in delays {
        let asleep = await eventually(timeout: .seconds(20), every: .milliseconds(10)) { clock.sleeperCount == 1 }
        guard asleep else {
            task.cancel()
            throw TestFailure("the call did not back off before \(delay)")
        }
        // Just short of the delay, the call must still be sleeping.
        clock.advance(by: delay - .milliseconds(1))
        guard clock.sleeperCount == 1 else { throw TestFailure("the backoff was shorter than \(delay)") }
        clock.advance(by: .milliseconds(1))
    }
    return try await task.value
}

/// Every way an error can be shown.
func renderings(_ error: any Error) -> [String] {
    ["\(error)", String(reflecting: error), error.localizedDescription]
}
