import AsyncHTTPClient
import CloudflareStream
import Foundation
import TestSupport

/// A fake Cloudflare and a client pointed at it, torn down after `body`.
enum CloudflareTestHarness {
    static let webhookSecret = "fake-webhook-secret-3f9a"

    static func settings(
        _ fake: FakeCloudflare, token: String = FakeCloudflare.Configuration.writeToken,
        retry: CloudflareRetryPolicy = CloudflareRetryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20))
    ) throws -> CloudflareStreamSettings {
        try CloudflareStreamSettings(
            accountID: fake.configuration.accountID, apiToken: CloudflareSecret(token), customerCode: fake.configuration.customerCode,
            apiURL: fake.apiURL, customerURL: fake.customerURL, retry: retry)
    }

    /// `clock`: what the client's retries sleep on (real time by default, with short waits).
    static func run(
        _ configuration: FakeCloudflare.Configuration = FakeCloudflare.Configuration(),
        token: String = FakeCloudflare.Configuration.writeToken,
        retry: CloudflareRetryPolicy = CloudflareRetryPolicy(initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)),
        clock: any Clock<Duration> = ContinuousClock(),
        _ body: (FakeCloudflare, CloudflareStreamClient) async throws -> Void
    ) async throws {
        let fake = try await FakeCloudflare.start(configuration)
        let http = AsyncHTTPClient.HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let client = CloudflareStreamClient(settings: try settings(fake, token: token, retry: retry), http: http, clock: clock)
            try await body(fake, client)
        } catch {
            try? await http.shutdown()
            await fake.shutdown()
            throw error
        }
        try await http.shutdown()
        await fake.shutdown()
    }

    /// Waits (polling, at most 10 s) until `condition` holds: for a task that runs on
    /// its own to reach a point, never as a stand-in for a timer.
    static func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within 10 s") }
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    static let relay = RelayTag(channel: "seller-42", route: "cloudflare-hls")
}

extension FakeCloudflare.Request {
    /// "POST /client/v4/…" for readable expectations.
    var line: String { "\(method) \(path)" }
}
