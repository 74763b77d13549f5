import Foundation
import Synchronization

/// A local stand-in for Cloudflare Stream's live inputs, for tests of the client and of the
/// gateway (reference /work/shared/reference/platforms.md §1). Two plain-HTTP servers on
/// 127.0.0.1: the API (`apiURL`, paths under `/client/v4`) and the customer domain
/// (`customerURL`). It validates like Cloudflare, so a client that sends what Cloudflare
/// would refuse fails here too.
///
/// API: `POST`/`GET …/accounts/{account_id}/stream/live_inputs`, `GET`/`DELETE …/{id}`
/// (`PUT` answers 501: not implemented). Every answer is the `{result, success, errors,
/// messages}` envelope; errors are `{code, message}` entries.
/// - Checks, in order: route (404, code 7000; an id that is not 32 hex: 404, code 7003),
///   method (405, 7001), `Authorization: Bearer <token>` among `configuration.tokens`
///   (else 401, 10000 "Authentication error"), the path's account and the token's
///   permission (Stream Read lists and gets, Stream Write also creates and deletes; else
///   403, 10000), an injected failure (`failNext`), then the body (400, code 10005, the
///   message naming the field; see `LiveInputValidation`). Unknown id: 404, 10003.
/// - Create answers the whole input: 32-hex `uid`, `rtmps {url: configuration.ingestURL,
///   streamKey}`, the playback/SRT/WebRTC blocks, `recording` with defaults filled in,
///   `status: null`. List entries carry only uid, meta, created, modified and
///   deleteRecordingAfterDays; at most `listLimit` per answer, `total` with
///   `include_counts=true`.
///
/// Customer domain: `GET /<uid>/lifecycle` → `{isInput, videoUID, live}`, `GET /<uid>/views`
/// → `{liveViewers}`, no token; unknown uid: 404.
///
/// Codes 10000, 7000, 7001, 7003 and 971 (throttled) are Cloudflare's; 10002, 10003 and
/// 10005 are the fake's picks where the docs name none.
public final class FakeCloudflare: Sendable {
    public let configuration: Configuration
    let state: Mutex<FakeCloudflareState>
    private let servers = Mutex<(api: LocalHTTPServer, customer: LocalHTTPServer)?>(nil)
    let sender = LiveInputNotificationSender()

    private init(configuration: Configuration) {
        self.configuration = configuration
        state = Mutex(FakeCloudflareState(listLimit: configuration.listLimit))
    }

    public static func start(_ configuration: Configuration = Configuration()) async throws -> FakeCloudflare {
        let fake = FakeCloudflare(configuration: configuration)
        let api = try await LocalHTTPServer.start { [weak fake] request in
            guard let fake else { return LocalHTTPResponse(status: 503) }
            return fake.record(request, host: .api, fake.handleAPI(request))
        }
        let customer = try await LocalHTTPServer.start { [weak fake] request in
            guard let fake else { return LocalHTTPResponse(status: 503) }
            return fake.record(request, host: .customerDomain, fake.handleCustomerDomain(request))
        }
        fake.servers.withLock { $0 = (api, customer) }
        return fake
    }

    /// `http://127.0.0.1:PORT/client/v4`: the client's `api_url`.
    public var apiURL: String { "http://127.0.0.1:\(servers.withLock { $0?.api.port ?? 0 })/client/v4" }

    /// `http://127.0.0.1:PORT`: the client's `customer_url`.
    public var customerURL: String { "http://127.0.0.1:\(servers.withLock { $0?.customer.port ?? 0 })" }

    public func shutdown() async {
        guard let servers = servers.withLock({ $0 }) else { return }
        await servers.api.stop()
        await servers.customer.stop()
    }

    private func record(_ request: LocalHTTPRequest, host: Host, _ response: LocalHTTPResponse) -> LocalHTTPResponse {
        let entry = Request(
            host: host, method: request.method, path: request.path, query: request.query, headers: request.headers,
            body: request.body, status: response.status)
        state.withLock { $0.requests.append(entry) }
        return response
    }

    // MARK: What the client did

    /// Every request received, both hosts, in arrival order.
    public func requests() -> [Request] { state.withLock { $0.requests } }

    /// Live inputs that exist now, oldest first.
    public func liveInputs() -> [StoredLiveInput] {
        state.withLock { $0.inputs.values.sorted { $0.sequence < $1.sequence } }
    }

    public func liveInput(_ uid: String) -> StoredLiveInput? { state.withLock { $0.inputs[uid] } }

    // MARK: Control

    /// An input made outside the client (a crashed gateway's orphan, someone else's): not
    /// in `requests()`. Returns its uid.
    @discardableResult
    public func seedLiveInput(meta: JSONValue, recordingMode: String = "automatic") -> String {
        makeInput(
            meta: meta,
            recording: ["mode": .string(recordingMode), "timeoutSeconds": 0, "requireSignedURLs": false, "allowedOrigins": nil,
                "hideLiveViewerCount": false],
            deleteRecordingAfterDays: .null, enabled: true
        ).uid
    }

    /// A broadcast reached the input (`live`) or left it. Going live starts a new video
    /// (lifecycle `videoUID`); leaving zeroes the viewers. Sends `live_input.connected` /
    /// `.disconnected` to the destination set by `setNotificationDestination`, if any, and
    /// returns its HTTP status (nil: no destination or unknown input).
    @discardableResult
    public func setLive(_ uid: String, _ live: Bool) async -> Int? {
        let changed = state.withLock { state -> Bool in
            guard var input = state.inputs[uid], input.live != live else { return false }
            input.live = live
            input.wasLive = input.wasLive || live
            input.videoUID = live ? Self.hex(16) : nil
            if !live { input.liveViewers = 0 }
            input.modified = Self.timestamp(Date())
            state.inputs[uid] = input
            return true
        }
        guard changed, let destination = state.withLock({ $0.destination }) else { return nil }
        return await sendNotification(inputID: uid, event: live ? .connected : .disconnected, to: destination.url, secret: destination.secret)
    }

    public func setLiveViewers(_ uid: String, _ count: Int) {
        state.withLock { $0.inputs[uid]?.liveViewers = count }
    }

    /// The next `times` calls of `operation` (any operation when nil) answer `failure`.
    public func failNext(_ times: Int = 1, with failure: Failure, on operation: Operation? = nil) {
        state.withLock { $0.failures.append((operation, failure, times)) }
    }

    /// At most `limit` inputs per list answer from now on.
    public func setListLimit(_ limit: Int) { state.withLock { $0.listLimit = limit } }

    /// Where `setLive` sends notifications, with the `cf-webhook-auth` secret (nil: none).
    public func setNotificationDestination(url: String, secret: String?) {
        state.withLock { $0.destination = (url, secret) }
    }
}

/// Everything the fake knows, behind one lock.
struct FakeCloudflareState {
    var listLimit: Int
    var inputs: [String: FakeCloudflare.StoredLiveInput] = [:]
    var requests: [FakeCloudflare.Request] = []
    var failures: [(operation: FakeCloudflare.Operation?, failure: FakeCloudflare.Failure, remaining: Int)] = []
    var created = 0
    var destination: (url: String, secret: String?)?
}
