public import Agora
public import AsyncHTTPClient
import Foundation
public import Logging
import NIOCore
import NIOHTTP1
import RelayCore

/// Agora's Media Push and channel-management REST APIs over HTTPS: HTTP Basic with the
/// customer ID and secret, a fresh `X-Request-ID` on every call (logged with the relay, so
/// a call can be traced with Agora support). One call, one attempt: retrying is
/// `RESTRetry`'s job.
public struct MediaPushClient: Sendable {
    let account: AgoraSettings
    let http: HTTPClient

    public init(account: AgoraSettings, http: HTTPClient) {
        self.account = account
        self.http = http
    }

    /// `api_url` without a trailing slash: paths are appended to it.
    private var base: String { account.apiURL.hasSuffix("/") ? String(account.apiURL.dropLast()) : account.apiURL }

    private var converters: String { "\(base)/\(account.region)/v1/projects/\(account.appID)/rtmp-converters" }

    public func create(_ body: ConverterRequest, logger: Logger) async throws(MediaPushError) -> ConverterInfo {
        let data: Data
        do { data = try JSONEncoder().encode(body) } catch { throw .malformed("cannot encode the request: \(error)") }
        let answer = try await call(.POST, converters, body: data, logger: logger)
        do { return try ConverterInfo.decode(answer) } catch { throw .malformed("\(error)") }
    }

    public func get(_ id: String, logger: Logger) async throws(MediaPushError) -> ConverterInfo {
        let answer = try await call(.GET, "\(converters)/\(id)", logger: logger)
        do { return try ConverterInfo.decode(answer) } catch { throw .malformed("\(error)") }
    }

    public func delete(_ id: String, logger: Logger) async throws(MediaPushError) {
        _ = try await call(.DELETE, "\(converters)/\(id)", logger: logger)
    }

    /// Every converter of the project (`channel` nil) or of one channel, all pages.
    public func list(channel: String? = nil, logger: Logger) async throws(MediaPushError) -> [ConverterList.Member] {
        // List has no region segment (agora.md §1.8).
        let first =
            channel.map { "\(base)/v1/projects/\(account.appID)/channels/\(Self.pathSegment($0))/rtmp-converters" }
            ?? "\(base)/v1/projects/\(account.appID)/rtmp-converters"
        var members: [ConverterList.Member] = []
        var cursor: Int64 = 0
        repeat {
            let answer = try await call(.GET, cursor == 0 ? first : "\(first)?cursor=\(cursor)", logger: logger)
            let page: ConverterList
            do { page = try ConverterList.decode(answer) } catch { throw .malformed("\(error)") }
            members += page.members
            cursor = page.cursor
        } while cursor != 0 && members.count < 100_000
        return members
    }

    /// Who is in the channel (live profile): broadcasters and the audience count.
    public func channelUsers(_ channel: String, logger: Logger) async throws(MediaPushError) -> ChannelUsers {
        let answer = try await call(
            .GET, "\(base)/dev/v1/channel/user/\(account.appID)/\(Self.pathSegment(channel))", logger: logger)
        do { return try ChannelUsers.decode(answer) } catch { throw .malformed("\(error)") }
    }

    private func call(_ method: HTTPMethod, _ url: String, body: Data? = nil, logger: Logger) async throws(MediaPushError)
        -> Data
    {
        let requestID = UUID().uuidString.lowercased()
        var request = HTTPClientRequest(url: url)
        request.method = method
        let credentials = Data("\(account.customerID):\(account.customerSecret)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Request-ID", value: requestID)
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        // The path only: the URL holds no secret, but bodies carry the ingest key.
        let path = URL(string: url)?.path ?? ""
        do {
            let response = try await http.execute(request, timeout: .milliseconds(account.requestTimeout.milliseconds))
            let bytes = try await response.body.collect(upTo: 4 * 1024 * 1024)
            let data = Data(bytes.readableBytesView)
            let status = Int(response.status.code)
            logger.debug(
                "agora \(method.rawValue) \(path) → \(status)", metadata: ["x-request-id": "\(requestID)"])
            guard (200..<300).contains(status) else {
                // Agora's messages may quote the request ("Invalid parameter: rtmpUrl …"), whose
                // URL holds the relay's ingest key.
                throw MediaPushError.status(status, message: AgoraJSON.errorMessage(data).map(Redaction.text))
            }
            return data
        } catch let error as MediaPushError {
            logger.info(
                "agora \(method.rawValue) \(path) failed: \(error)", metadata: ["x-request-id": "\(requestID)"])
            throw error
        } catch {
            let failure = MediaPushError.transport(Redaction.text("\(error)"))
            logger.info(
                "agora \(method.rawValue) \(path) failed: \(failure)", metadata: ["x-request-id": "\(requestID)"])
            throw failure
        }
    }

    /// A channel name as a path segment (its 89-character set includes `#`, `?`, space, …).
    static func pathSegment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }
}
