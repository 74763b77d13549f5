import AsyncHTTPClient
import CloudflareStream
import Testing
import TestSupport

/// Passing failures are retried (on a manual clock: no real waiting), lasting ones fail at once.
@Suite(.timeLimit(.minutes(1))) struct CloudflareRetryTests {
    @Test func a429IsRetriedAfterItsRetryAfterUntilItSucceeds() async throws {
        let clock = ManualAsyncClock()
        try await CloudflareTestHarness.run(clock: clock) { fake, client in
            fake.failNext(2, with: .rateLimited(retryAfterSeconds: 7), on: .create)
            let creating = Task { try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay)) }

            try await CloudflareTestHarness.eventually { clock.sleeperCount == 1 }
            #expect(fake.requests().map(\.status) == [429])
            clock.advance(by: .seconds(6))
            #expect(clock.sleeperCount == 1, "still waiting: Retry-After says 7 s")
            #expect(fake.requests().count == 1)
            clock.advance(by: .seconds(1))
            try await CloudflareTestHarness.eventually { fake.requests().count == 2 && clock.sleeperCount == 1 }
            clock.advance(by: .seconds(7))

            let input = try await creating.value
            let requests = fake.requests()
            #expect(requests.map(\.status) == [429, 429, 200])
            #expect(Set(requests.map(\.body)).count == 1, "the same body each time")
            #expect(fake.liveInputs().map(\.uid) == [input.uid])
        }
    }

    @Test func serverErrorsBackOffDoublingAndGiveUpWhenAttemptsAreSpent() async throws {
        let clock = ManualAsyncClock()
        let retry = CloudflareRetryPolicy(maxAttempts: 3, initialBackoff: .seconds(2), maxBackoff: .seconds(30))
        try await CloudflareTestHarness.run(retry: retry, clock: clock) { fake, client in
            fake.failNext(5, with: .serverError(500), on: .list)
            let listing = Task { try await client.listLiveInputs() }

            try await CloudflareTestHarness.eventually { clock.sleeperCount == 1 }
            clock.advance(by: .seconds(1))
            #expect(fake.requests().count == 1, "first backoff is 2 s")
            clock.advance(by: .seconds(1))
            try await CloudflareTestHarness.eventually { fake.requests().count == 2 && clock.sleeperCount == 1 }
            clock.advance(by: .seconds(3))
            #expect(fake.requests().count == 2, "second backoff is 4 s")
            clock.advance(by: .seconds(1))

            let error = await #expect(throws: CloudflareStreamError.self) { try await listing.value }
            #expect(error?.kind == .retryable)
            #expect(error?.status == 500)
            #expect(error?.codes == [10002])
            #expect(fake.requests().map(\.status) == [500, 500, 500])
        }
    }

    @Test func noAnswerIsRetryable() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let settings = try CloudflareStreamSettings(
                accountID: fake.configuration.accountID, apiToken: CloudflareSecret(FakeCloudflare.Configuration.writeToken),
                customerCode: "abc", apiURL: "http://127.0.0.1:\(FreePort.next())/client/v4", requestTimeout: .milliseconds(500),
                retry: CloudflareRetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1)))
            let unreachable = CloudflareStreamClient(settings: settings, http: .shared)
            let error = await #expect(throws: CloudflareStreamError.self) { try await unreachable.listLiveInputs() }
            #expect(error?.kind == .retryable)
            #expect(error?.status == nil)
            #expect(!(error?.description.contains(FakeCloudflare.Configuration.writeToken) ?? true))
        }
    }

    @Test(arguments: [
        ("wrong-token", 401), (FakeCloudflare.Configuration.noStreamToken, 403), (FakeCloudflare.Configuration.readToken, 403),
    ])
    func authFailuresFailAtOnceNamingTheSettings(token: String, status: Int) async throws {
        let clock = ManualAsyncClock()
        try await CloudflareTestHarness.run(token: token, clock: clock) { fake, client in
            let error = await #expect(throws: CloudflareStreamError.self) {
                try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            }
            #expect(error?.kind == .auth)
            #expect(error?.status == status)
            #expect(error?.codes == [10000])
            let text = error?.description ?? ""
            #expect(text.contains("api_token") && text.contains("account_id") && text.contains("Stream Write"))
            #expect(!text.contains(token))
            #expect(fake.requests().count == 1, "no retry")
            #expect(fake.liveInputs().isEmpty)
        }
    }

    @Test func anInjected403FailsAtOnceToo() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let input = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            fake.failNext(1, with: .forbidden, on: .delete)
            let error = await #expect(throws: CloudflareStreamError.self) { try await client.deleteLiveInput(input.uid) }
            #expect(error?.kind == .auth)
            #expect(fake.requests().map(\.status) == [200, 403])
            #expect(try await client.deleteLiveInput(input.uid) == .deleted)
        }
    }

    @Test func aRetryAfterBeyondTheCapFailsInsteadOfWaiting() async throws {
        let clock = ManualAsyncClock()
        try await CloudflareTestHarness.run(retry: CloudflareRetryPolicy(maxRetryAfter: .seconds(60)), clock: clock) { fake, client in
            fake.failNext(1, with: .rateLimited(retryAfterSeconds: 3600))
            let error = await #expect(throws: CloudflareStreamError.self) { try await client.listLiveInputs() }
            #expect(error?.status == 429)
            #expect(error?.retryAfter == .seconds(3600))
            #expect(fake.requests().count == 1)
        }
    }
}
