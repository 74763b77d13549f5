import CloudflareStream
import Testing
import TestSupport

/// Tokens and stream keys never show in what is printed, logged or thrown.
@Suite struct CloudflareSecretsTests {
    @Test func secretsPrintRedactedEverywhere() async throws {
        try await CloudflareTestHarness.run { fake, client in
            let input = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay))
            let key = try #require(fake.liveInput(input.uid)?.streamKey)
            var dumped = ""
            dump(input, to: &dumped)
            let settings = try CloudflareTestHarness.settings(fake)
            var dumpedSettings = ""
            dump(settings, to: &dumpedSettings)
            for text in ["\(input)", String(reflecting: input), dumped, "\(input.rtmps!.publishURL)", "\(settings)", dumpedSettings] {
                #expect(!text.contains(key))
                #expect(!text.contains(FakeCloudflare.Configuration.writeToken))
            }
            #expect("\(input.rtmps!.streamKey)" == "<redacted>")
        }
    }

    @Test func errorsNeverCarryTheTokenOrAStreamKey() async throws {
        try await CloudflareTestHarness.run(token: "wrong-token-value") { fake, client in
            var texts: [String] = []
            for call in [
                { _ = try await client.listLiveInputs() },
                { _ = try await client.createLiveInput(LiveInputRequest(relay: CloudflareTestHarness.relay)) },
                { _ = try await client.liveInput(String(repeating: "a", count: 32)) },
            ] as [() async throws -> Void] {
                do { try await call() } catch { texts += ["\(error)", String(reflecting: error)] }
            }
            #expect(texts.count == 6)
            #expect(texts.allSatisfy { !$0.contains("wrong-token-value") })
        }
    }

    @Test func plainHTTPIsOnlyForLoopback() throws {
        let account = "023e105f4ecef8ad9ca31a8372d0c353"
        func settings(api: String = CloudflareStreamSettings.defaultAPIURL, customer: String? = nil) throws -> CloudflareStreamSettings {
            try CloudflareStreamSettings(
                accountID: account, apiToken: CloudflareSecret("t0k3n"), customerCode: "abc", apiURL: api, customerURL: customer)
        }
        #expect(try settings(api: "http://127.0.0.1:8080/client/v4").apiURL == "http://127.0.0.1:8080/client/v4")
        #expect(try settings(api: "http://localhost:9/client/v4/").apiURL == "http://localhost:9/client/v4")
        #expect(try settings(customer: "http://[::1]:8081").customerURL == "http://[::1]:8081")
        for (api, customer) in [
            ("http://api.cloudflare.com/client/v4", nil), ("http://10.0.0.5:8080/client/v4", nil),
            (CloudflareStreamSettings.defaultAPIURL, "http://customer-abc.cloudflarestream.com"), ("ftp://127.0.0.1/x", nil),
        ] as [(String, String?)] {
            let error = #expect(throws: CloudflareStreamError.self) { try settings(api: api, customer: customer) }
            #expect(error?.kind == .configuration)
            #expect(error?.description.contains("loopback") == true || api.hasPrefix("ftp"))
            #expect(error?.description.contains("t0k3n") == false)
        }
        let badAccount = #expect(throws: CloudflareStreamError.self) {
            try CloudflareStreamSettings(accountID: "nope", apiToken: CloudflareSecret("t0k3n"), customerCode: "abc")
        }
        #expect(badAccount?.description.contains("account_id") == true)
    }
}
