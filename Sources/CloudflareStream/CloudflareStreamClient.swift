public import AsyncHTTPClient
import Foundation
import NIOHTTP1
public import Logging

/// Cloudflare Stream's live inputs for relays (reference §1): create one per relay, read it
/// back, list them (to find a crashed gateway's orphans by `meta`), delete it, and ask the
/// customer domain whether it is live and how many watch. Every call retries passing
/// failures (429 honouring `Retry-After`, 5xx, no answer) within `settings.retry`, sleeping
/// on the injected clock; 401/403 fail at once.
public struct CloudflareStreamClient: Sendable {
    public let settings: CloudflareStreamSettings
    let transport: CloudflareTransport
    private let clock: any Clock<Duration>
    private let logger: Logger

    public init(
        settings: CloudflareStreamSettings, http: HTTPClient, clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "relaygate.cloudflare-stream")
    ) {
        self.settings = settings
        transport = CloudflareTransport(settings: settings, http: http, logger: logger)
        self.clock = clock
        self.logger = logger
    }

    private var liveInputs: String { "\(settings.apiURL)/accounts/\(settings.accountID)/stream/live_inputs" }

    /// A new live input, recording `automatic` (so it plays over HLS). Retried like every
    /// call: a create whose answer was lost may leave a second input behind, which carries
    /// the same `meta` and is found by the orphan sweep.
    public func createLiveInput(_ request: LiveInputRequest) async throws(CloudflareStreamError) -> LiveInput {
        let operation = "create live input"
        if let problem = request.problem { throw CloudflareStreamError(kind: .invalidRequest, operation: operation, detail: problem) }
        let body: Data
        do { body = try JSONEncoder().encode(request) } catch {
            throw CloudflareStreamError(kind: .invalidRequest, operation: operation, detail: "cannot encode: \(error)")
        }
        return try await retrying(operation) { () throws(CloudflareStreamError) in
            let answer = try await transport.call(operation, .POST, liveInputs, body: body, authorized: true)
            return try CloudflareTransport.result(LiveInput.self, of: answer, operation: operation)
        }
    }

    /// The input with its RTMPS credentials and status.
    public func liveInput(_ uid: String) async throws(CloudflareStreamError) -> LiveInput {
        let operation = "get live input"
        try Self.check(uid, operation: operation)
        return try await retrying(operation) { () throws(CloudflareStreamError) in
            let answer = try await transport.call(operation, .GET, "\(liveInputs)/\(uid)", authorized: true)
            return try CloudflareTransport.result(LiveInput.self, of: answer, operation: operation)
        }
    }

    /// The account's live inputs as the one documented list call returns them (see
    /// `LiveInputListing` on completeness).
    public func listLiveInputs() async throws(CloudflareStreamError) -> LiveInputListing {
        let operation = "list live inputs"
        return try await retrying(operation) { () throws(CloudflareStreamError) in
            let answer = try await transport.call(operation, .GET, "\(liveInputs)?include_counts=true", authorized: true)
            return try CloudflareTransport.result(LiveInputListing.self, of: answer, operation: operation)
        }
    }

    /// Deletes the input (its recordings stay). A 404 means someone already did: the goal
    /// is reached, so it is `.alreadyGone`, not an error.
    @discardableResult
    public func deleteLiveInput(_ uid: String) async throws(CloudflareStreamError) -> LiveInputDeletion {
        let operation = "delete live input"
        try Self.check(uid, operation: operation)
        do {
            return try await retrying(operation) { () throws(CloudflareStreamError) in
                let answer = try await transport.call(operation, .DELETE, "\(liveInputs)/\(uid)", authorized: true)
                try CloudflareTransport.checkEnvelope(of: answer, operation: operation)
                return .deleted
            }
        } catch where error.kind == .notFound {
            return .alreadyGone
        }
    }

    /// Whether the input broadcasts now, from the customer domain (no token sent there).
    public func lifecycle(of uid: String) async throws(CloudflareStreamError) -> LiveInputLifecycle {
        let operation = "read live input lifecycle"
        try Self.check(uid, operation: operation)
        return try await retrying(operation) { () throws(CloudflareStreamError) in
            let answer = try await transport.call(operation, .GET, "\(settings.customerURL)/\(uid)/lifecycle", authorized: false)
            return try CloudflareTransport.plain(LiveInputLifecycle.self, of: answer, operation: operation)
        }
    }

    /// How many watch the input live now, from the customer domain.
    public func liveViewers(of uid: String) async throws(CloudflareStreamError) -> Int {
        let operation = "read live viewers"
        try Self.check(uid, operation: operation)
        return try await retrying(operation) { () throws(CloudflareStreamError) in
            let answer = try await transport.call(operation, .GET, "\(settings.customerURL)/\(uid)/views", authorized: false)
            return try CloudflareTransport.plain(LiveViewers.self, of: answer, operation: operation).liveViewers
        }
    }

    /// The HLS manifest buyers play: `https://customer-<code>.cloudflarestream.com/<uid>/manifest/video.m3u8`.
    public func playbackURL(of uid: String) -> String { "\(settings.customerURL)/\(uid)/manifest/video.m3u8" }

    /// Live input ids are 32 hex characters; anything else is refused before it becomes a path.
    static func check(_ uid: String, operation: String) throws(CloudflareStreamError) {
        guard uid.count == 32, uid.allSatisfy(\.isHexDigit) else {
            throw CloudflareStreamError(kind: .invalidRequest, operation: operation, detail: "live input id must be 32 hex characters")
        }
    }

    private func retrying<T: Sendable>(
        _ operation: String, _ call: () async throws(CloudflareStreamError) -> T
    ) async throws(CloudflareStreamError) -> T {
        try await settings.retry.run(on: clock, call) { retry, delay, error in
            logger.info("cloudflare \(operation): retry \(retry) in \(delay) after \(error)")
        }
    }
}

/// What a delete came to.
public enum LiveInputDeletion: Sendable, Equatable {
    case deleted
    /// Cloudflare answered 404: it was deleted before.
    case alreadyGone
}
