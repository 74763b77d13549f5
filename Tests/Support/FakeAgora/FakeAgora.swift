import Foundation
import Glibc
import Synchronization

/// A local stand-in for Agora's cloud, for end-to-end tests of the gateway: Media Push REST,
/// the channel user list, NCS webhooks, and real media (ffmpeg) where Agora would push.
/// It follows /work/shared/reference/agora.md (§1, §2, §3.1, §7) and validates like Agora,
/// so a gateway that sends something Agora would refuse fails here too.
///
/// Media Push (§1): `POST /{region}/v1/projects/{appId}/rtmp-converters`, `GET`/`PATCH`/
/// `DELETE …/rtmp-converters/{id}`, `GET /v1/projects/{appId}/rtmp-converters` and
/// `…/channels/{cname}/rtmp-converters` (the `{success, data:{total_count, cursor, members}}`
/// list, numbers as strings, 500 a page, `cursor` an offset, 0 at the end).
/// - Checks, in order: route (else 404 `Not Found`), outage (503 `Service Unavailable`),
///   Basic auth (401 `Invalid authentication credentials.`), rate limits (429: Create,
///   Delete, Get 50/s per project, Update 2/s per converter, user list 20/s), injected
///   failures, region (lowercase cn/ap/na/eu, else 400 `Invalid parameter: region`; the docs
///   only say it must be one of them), App ID (else 403: the docs' "project not permitted";
///   the user list answers 400 `invalid appid` as §3.3 shows), then the body.
/// - Body `{converter:{…}}` with exactly one of `rawOptions`/`transcodeOptions`, name
///   charset and length, `rtmpUrl` rtmp(s):// ≤ 1024, `idleTimeout`/`idleTimeOut` (default
///   300; the docs give no range, the fake takes 1…86400), `jitterBufferSizeMs` 0…1000, the
///   transcode ranges and `volumes` ⊆ `rtcStreamUids`: 400 `Invalid parameter: <field> …`.
///   A name already live in the project: 409.
/// - Create and Update answer `{converter:{id, createTs, updateTs, state}, fields}`; Get
///   answers the whole converter, wrapped in `converter` for raw converters and bare for
///   transcoded ones, as the two documented examples differ; Delete answers 200 with no body.
///   An unknown id: 404 `Resource is not found and destroyed`.
/// - PATCH needs `?sequence` (400 without); a sequence not above the last applied one is
///   ignored (200, nothing changes: Agora applies the largest); immutable fields, switching
///   audio-only/video-only, and anything but `rtmpUrl` under a vertical layout: 400.
/// - 2xx responses carry `X-Request-ID` (the caller's, else a new one), `X-Custom-Request-ID`
///   when the caller sent one, and `X-Resource-ID` for a converter; error responses carry
///   none of them, as the docs allow.
///
/// Lifecycle (§7): a converter pushes while one of its source users is a broadcaster
/// (`sellerJoins`): ffmpeg sends a live test pattern and tone (H.264 + AAC in FLV, 2 s GOP;
/// raw converters 1280×720 at 25 fps baseline, transcoders their canvas, frame rate, bitrate
/// and profile; H.265 is sent as H.264 main, which this ffmpeg's FLV can carry) to `rtmpUrl`.
/// `connecting` → `running` once ffmpeg has run a second and reports progress; back to
/// `connecting` if it dies (restarted after 1 s) or the source leaves; `failed` only by
/// `failConverter`. `idleTimeout` s without a source user destroys it (`Idle Timeout`);
/// `destroyConverter` destroys it as Agora's own failure does (`Internal Error`).
///
/// NCS (§2): 5/1 on create, 5/2 on update, 5/3 on each state change, 5/4 on destroy (`lts` in
/// ms, as the prose says), RTC 101/103/104/102 from `sellerJoins`/`sellerLeaves`; signed with
/// `Agora-Signature` (HMAC-SHA1) and `Agora-Signature-V2` (HMAC-SHA256) over the exact bytes;
/// success is 200 within 10 s, else resent at once, then after 1 s and 2 s (3 retries), the
/// same noticeId with a fresh notifyMs. The fake's own events go out one at a time, in order.
public final class FakeAgora: Sendable {
    public let credentials: Credentials
    let state: Mutex<FakeAgoraState>
    let delivery = NCSDelivery()
    /// ffmpeg logs.
    let logs: TempDirectory

    private struct Machinery {
        var server: LocalHTTPServer?
        var outbox: NCSOutbox?
        var ticker: Task<Void, Never>?
    }

    /// Sees every reply a webhook receiver gave, with the URL it was POSTed to.
    public typealias ReplyObserver = @Sendable (_ url: String, _ reply: HTTPReply) -> Void
    private let replyObserver = Mutex<ReplyObserver?>(nil)

    private let machinery = Mutex(Machinery())

    private init(credentials: Credentials, webhookURL: String?) throws {
        self.credentials = credentials
        logs = try TempDirectory("fake-agora")
        state = Mutex(FakeAgoraState(webhookURL: webhookURL))
    }

    /// Starts an HTTP (plain, 127.0.0.1, free port) server. `webhookURL`: where NCS events
    /// are POSTed (nil: they are recorded, not sent, until `setWebhookURL`).
    public static func start(credentials: Credentials = .test, webhookURL: String?) async throws -> FakeAgora {
        let fake = try FakeAgora(credentials: credentials, webhookURL: webhookURL)
        let server = try await LocalHTTPServer.start { [weak fake] request in
            await fake?.handle(request) ?? LocalHTTPResponse(status: 503)
        }
        let outbox = NCSOutbox { [weak fake] notification in await fake?.deliverQueued(notification) }
        // Converters follow their channel and their ffmpeg five times a second.
        let ticker = Task { [weak fake] in
            while !Task.isCancelled {
                guard let fake else { return }
                fake.tick()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        fake.machinery.withLock { $0 = Machinery(server: server, outbox: outbox, ticker: ticker) }
        return fake
    }

    /// "http://127.0.0.1:PORT"; REST paths are Agora's.
    public var baseURL: String { "http://127.0.0.1:\(machinery.withLock { $0.server?.port ?? 0 })" }

    public func setWebhookURL(_ url: String) { state.withLock { $0.webhookURL = url } }

    /// `observer` sees each reply to every later NCS delivery (so a test can check the
    /// receiver's answers against its API document).
    public func observeWebhookReplies(_ observer: @escaping ReplyObserver) { replyObserver.withLock { $0 = observer } }

    /// Stops ffmpeg children and the server.
    public func shutdown() async {
        let children = state.withLock { state in
            state.shutDown = true
            let children = state.converters.values.compactMap(\.pusher) + state.stopping.map(\.child)
            for id in state.converters.keys { state.converters[id]?.pusher = nil }
            state.stopping = []
            return children
        }
        let parts = machinery.withLock { machinery in
            defer { machinery = Machinery(server: machinery.server) }
            return machinery
        }
        parts.ticker?.cancel()
        for child in children { child.signal(SIGTERM) }
        for child in children {
            if await child.wait(timeout: .seconds(2)) == nil { child.signal(SIGKILL) }
        }
        await parts.outbox?.close()
        await parts.server?.stop()
    }

    // MARK: What the gateway did

    public func calls() -> [Call] { state.withLock { $0.calls } }

    /// Live (not destroyed) converters, oldest first.
    public func converters() -> [Converter] {
        state.withLock { $0.converters.values.sorted { $0.createdAt < $1.createdAt }.map(\.publicValue) }
    }

    public func destroyed() -> [(converter: Converter, reason: String)] { state.withLock { $0.destroyed } }

    /// Every notification emitted or delivered, once per `deliver` (as first written).
    public func notifications() -> [Notification] { state.withLock { $0.notifications } }

    // MARK: Faults

    /// The next `times` calls of `op` answer `status` with Agora's `{"message":…}` body
    /// (after auth is checked).
    public func failNext(_ op: Operation, status: Int, times: Int = 1, message: String? = nil) {
        state.withLock { $0.failures[op] = (status, times, message) }
    }

    /// While down, every REST call answers 503 `{"message":"Service Unavailable"}`.
    public func setOutage(_ down: Bool) { state.withLock { $0.outage = down } }

    /// State → failed: its ffmpeg is stopped, NCS 5/3 with state failed is sent.
    public func failConverter(id: String) {
        let event = state.withLock { state -> Notification? in
            guard state.converters[id] != nil, state.converters[id]?.state != "failed" else { return nil }
            state.stopPusher(of: id)
            state.converters[id]?.state = "failed"
            return state.converters[id].map(ConverterEvents.stateChanged)
        }
        if let event { post(event) }
    }

    /// Agora destroys the converter itself (`destroyReason` "Internal Error", or another of
    /// reference §2.5's reasons): its ffmpeg stops, NCS 5/4 is sent.
    public func destroyConverter(id: String, reason: String = "Internal Error") {
        precondition(["Delete Request", "Idle Timeout", "Internal Error"].contains(reason), "not an Agora destroyReason")
        if let event = state.withLock({ $0.destroy(id, reason: reason) }) { post(event) }
    }

    // MARK: NCS

    /// Queues one of the fake's own events.
    func post(_ notification: Notification) {
        machinery.withLock { $0.outbox }?.post(notification)
    }

    /// Queues one of the fake's own events and waits until it went out.
    func send(_ notification: Notification) async {
        await machinery.withLock { $0.outbox }?.send(notification)
    }

    /// The outbox's delivery: signed with the NCS secret, with retries.
    private func deliverQueued(_ notification: Notification) async {
        await deliver(notification)
    }

    /// POSTs the exact bytes, signed (`Agora-Signature` = hex HMAC-SHA1, `Agora-Signature-V2`
    /// = hex HMAC-SHA256 over the raw body with the NCS secret, unless `secret` overrides it
    /// or `signed` is false), with NCS's retry rule. Returns every HTTP status received
    /// (0 for an attempt with no answer within 10 s); none without a webhook URL.
    @discardableResult
    public func deliver(_ n: Notification, secret: String? = nil, signed: Bool = true, retry: Bool = true) async -> [Int] {
        let url = state.withLock { state -> String? in
            state.notifications.append(n)
            return state.shutDown ? nil : state.webhookURL
        }
        guard let url else { return [] }
        let key = signed ? (secret ?? credentials.ncsSecret) : nil
        let observer = replyObserver.withLock { $0 }
        return await delivery.deliver(n, to: url, secret: key, retry: retry, answered: { observer?(url, $0) }) { [self] _ in
            !state.withLock { $0.shutDown }
        }
    }

    /// Out-of-order and duplicated delivery on demand: with `duplicates` each notification
    /// goes out twice, byte for byte; with `shuffled` in random order.
    public func deliver(_ ns: [Notification], duplicates: Bool, shuffled: Bool) async {
        var batch = duplicates ? ns.flatMap { [$0, $0] } : ns
        if shuffled { batch.shuffle() }
        for notification in batch { await deliver(notification) }
    }
}
