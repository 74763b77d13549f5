import AWSIVS
import AWSSigV4
import Foundation
import TestSupport
import Testing

/// What goes wrong: throttling and 5xx retried with backoff on a manual clock, refused
/// credentials failing at once with a message that names the settings and shows no secret.
@Suite struct IVSClientFailureTests {
    @Test func throttlingIsRetriedWithBackoffUntilItSucceeds() async throws {
        let fake = try await FakeIVS.start()
        let clock = ManualAsyncClock()
        let client = try makeClient(fake, clock: clock)
        let arn = try await client.createChannel(IVSChannelSpec(name: "throttled")).channel.arn
        try await fake.failNext("GetChannel", times: 2, with: "ThrottlingException")
        try await fake.failNext("GetChannel", times: 1, with: "InternalServerException")

        let channel = try await whileAdvancing(clock, by: [.milliseconds(200), .milliseconds(400), .milliseconds(800)]) {
            try await client.getChannel(arn: arn)
        }
        #expect(channel.arn == arn)
        let calls = try await fake.requests().filter { $0.operation == "GetChannel" }
        #expect(calls.map(\.status) == [429, 429, 500, 200])
    }

    @Test func retriesAreBounded() async throws {
        let fake = try await FakeIVS.start()
        let clock = ManualAsyncClock()
        let client = try makeClient(fake, clock: clock, maxAttempts: 3)
        let arn = try await client.createChannel(IVSChannelSpec(name: "unavailable")).channel.arn
        try await fake.goLive(channelArn: arn)
        try await fake.failNext("StopStream", times: 5, with: "StreamUnavailable")
        let error = try await #require(throws: IVSError.self) {
            try await whileAdvancing(clock, by: [.milliseconds(200), .milliseconds(400)]) {
                try await client.stopStream(channelArn: arn)
            }
        }
        #expect(error.kind == .retryable)
        #expect(error.status == 503)
        #expect(error.name == "StreamUnavailable")
        #expect(try await fake.requests().filter { $0.operation == "StopStream" }.count == 3)
    }

    /// A create that failed with a 5xx may have happened: not retried (it could make a second
    /// channel); throttling is (AWS refused before doing anything).
    @Test func createIsRetriedOnlyWhenThrottled() async throws {
        let fake = try await FakeIVS.start()
        let clock = ManualAsyncClock()
        let client = try makeClient(fake, clock: clock)
        try await fake.failNext("CreateChannel", times: 1, with: "InternalServerException")
        let error = try await #require(throws: IVSError.self) { try await client.createChannel(IVSChannelSpec(name: "once")) }
        #expect(error.status == 500)
        #expect(error.kind == .retryable)
        #expect(clock.sleeperCount == 0)

        try await fake.failNext("CreateChannel", times: 1, with: "ThrottlingException")
        let created = try await whileAdvancing(clock, by: [.milliseconds(200)]) {
            try await client.createChannel(IVSChannelSpec(name: "once"))
        }
        #expect(try await fake.channelArns() == [created.channel.arn])
    }

    @Test func accessDeniedFailsAtOnceNamingTheCredentialSettings() async throws {
        let fake = try await FakeIVS.start()
        let clock = ManualAsyncClock()
        let client = try makeClient(fake, clock: clock)
        try await fake.failNext("ListChannels", times: 1, with: "AccessDeniedException")
        let error = try await #require(throws: IVSError.self) { try await client.listChannels() }
        #expect(error.kind == .auth)
        #expect(error.status == 403)
        #expect(error.name == "AccessDeniedException")
        #expect("\(error)".contains("ivs.access_key_id / ivs.secret_access_key / ivs.session_token"))
        #expect(clock.sleeperCount == 0)
        #expect(try await fake.requests().count == 1)
        for text in renderings(error) { #expect(!text.contains(fake.secretAccessKey)) }
    }

    /// The fake checks signatures (with botocore): a client with the wrong secret is refused.
    @Test func wrongSecretIsRefusedByTheSignatureCheck() async throws {
        let fake = try await FakeIVS.start()
        let wrongSecret = "WRONG/secret+key0000000000000000000000000"
        let client = try makeClient(fake, credentials: AWSCredentials(accessKeyID: fake.accessKeyID, secretAccessKey: wrongSecret))
        let error = try await #require(throws: IVSError.self) { try await client.createChannel(IVSChannelSpec(name: "nope")) }
        #expect(error.kind == .auth)
        #expect(error.name == "InvalidSignatureException")
        #expect(error.status == 403)
        #expect(try await fake.channelArns().isEmpty)
        for text in renderings(error) {
            #expect(!text.contains(wrongSecret))
            #expect(text.contains("ivs.secret_access_key"))
        }

        let stranger = try makeClient(fake, credentials: AWSCredentials(accessKeyID: "AKIDUNKNOWN", secretAccessKey: fake.secretAccessKey))
        let unknown = try await #require(throws: IVSError.self) { try await stranger.listChannels() }
        #expect(unknown.kind == .auth)
        #expect(unknown.name == "UnrecognizedClientException")
    }

    @Test func sessionTokenIsSignedAndNeverShown() async throws {
        let token = "FwoGZXIvYXdzEXAMPLE//session+token=="
        let fake = try await FakeIVS.start(sessionToken: token)
        let client = try makeClient(fake)
        _ = try await client.createChannel(IVSChannelSpec(name: "temporary"))
        #expect(try await fake.requests().first?.signedHeaders.contains("x-amz-security-token") == true)

        let tokenless = try makeClient(
            fake, credentials: AWSCredentials(accessKeyID: fake.accessKeyID, secretAccessKey: fake.secretAccessKey))
        let error = try await #require(throws: IVSError.self) { try await tokenless.listChannels() }
        #expect(error.kind == .auth)
        #expect(error.name == "UnrecognizedClientException")

        // AWS's answer to a bad signature quotes the canonical request, session token included.
        let wrongSecret = try makeClient(
            fake, credentials: AWSCredentials(accessKeyID: fake.accessKeyID, secretAccessKey: "not-it", sessionToken: token))
        let quoted = try await #require(throws: IVSError.self) { try await wrongSecret.listChannels() }
        #expect(quoted.name == "InvalidSignatureException")
        #expect(quoted.message.contains("x-amz-security-token:***"))
        for text in renderings(error) + renderings(quoted) + ["\(client)", "\(client.configuration)"] {
            #expect(!text.contains(token))
            #expect(!text.contains(fake.secretAccessKey))
        }
    }

    /// The fake refuses what AWS refuses: no signature, a stale date, the wrong region.
    @Test func unsignedStaleAndMisscopedRequestsAreRefused() async throws {
        let fake = try await FakeIVS.start()
        let unsigned = try await TestSupport.HTTPClient(baseURL: fake.endpoint).send("POST", "/ListChannels", body: Data("{}".utf8))
        #expect(unsigned.status == 403)
        #expect(unsigned.headers["x-amzn-errortype"]?.hasPrefix("MissingAuthenticationTokenException") == true)

        let credentials = AWSCredentials(accessKeyID: fake.accessKeyID, secretAccessKey: fake.secretAccessKey)
        let stale = IVSClient(
            configuration: try IVSConfiguration(
                region: fake.region, credentials: credentials, endpoint: fake.endpoint, retry: .none,
                now: { Date().addingTimeInterval(-600) }))
        let expired = try await #require(throws: IVSError.self) { try await stale.listChannels() }
        #expect(expired.name == "InvalidSignatureException")
        #expect(expired.message.contains("Signature expired"))

        let elsewhere = IVSClient(
            configuration: try IVSConfiguration(region: "eu-west-1", credentials: credentials, endpoint: fake.endpoint, retry: .none))
        let misscoped = try await #require(throws: IVSError.self) { try await elsewhere.listChannels() }
        #expect(misscoped.name == "InvalidSignatureException")
        #expect(misscoped.kind == .auth)
        #expect(try await fake.requests().map(\.status) == [403, 403, 403])
    }

    @Test func noAnswerIsRetriedThenReported() async throws {
        let clock = ManualAsyncClock()
        let port = FreePort.next()
        let retry = IVSRetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(200), clock: clock, jitter: { $0 })
        let client = IVSClient(
            configuration: try IVSConfiguration(
                region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: "transport-secret"),
                endpoint: "http://127.0.0.1:\(port)", retry: retry, timeout: .seconds(1)))
        let error = try await #require(throws: IVSError.self) {
            try await whileAdvancing(clock, by: [.milliseconds(200)]) { try await client.getChannel(arn: "arn:aws:ivs:us-east-1:1:channel/x") }
        }
        #expect(error.kind == .retryable)
        #expect(error.status == nil)
        #expect(error.name == "Transport")
        for text in renderings(error) { #expect(!text.contains("transport-secret")) }
    }

    @Test func plainHTTPOnlyOnLoopback() throws {
        let credentials = AWSCredentials(accessKeyID: "AKID", secretAccessKey: "s")
        func configuration(_ endpoint: String?, region: String = "us-east-1") throws -> IVSConfiguration {
            try IVSConfiguration(region: region, credentials: credentials, endpoint: endpoint)
        }
        #expect(throws: IVSError.self) { try configuration("http://ivs.example.com") }
        #expect(throws: IVSError.self) { try configuration("http://10.0.0.1:8080") }
        #expect(throws: IVSError.self) { try configuration("ftp://127.0.0.1") }
        #expect(throws: IVSError.self) { try configuration(nil, region: "US East") }
        #expect(throws: IVSError.self) {
            try IVSConfiguration(region: "us-east-1", credentials: AWSCredentials(accessKeyID: "AKID", secretAccessKey: ""))
        }
        #expect(try configuration(nil, region: "eu-west-1").endpoint.description == "https://ivs.eu-west-1.amazonaws.com")
        #expect(try configuration("http://127.0.0.1:9000").endpoint.port == 9000)
        #expect(try configuration("http://localhost:9000").endpoint.scheme == "http")
        #expect(try configuration("https://ivs.example.com").endpoint.port == 443)
    }
}
