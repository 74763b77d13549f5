import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// One HTTP attempt against Cloudflare, and reading its answer. Errors come out classified
/// (`CloudflareStreamError.Kind`) with the token scrubbed from every text; bodies are
/// never logged (they carry stream keys).
struct CloudflareTransport: Sendable {
    let settings: CloudflareStreamSettings
    let http: HTTPClient
    let logger: Logger

    struct Answer {
        var status: Int
        var body: Data
    }

    /// A 2xx answer, or a thrown error. `authorized`: send the bearer token (API calls
    /// only; the customer domain is public and never sees it).
    func call(_ operation: String, _ method: HTTPMethod, _ url: String, body: Data? = nil, authorized: Bool)
        async throws(CloudflareStreamError) -> Answer
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if authorized { request.headers.add(name: "Authorization", value: "Bearer \(settings.apiToken.revealed())") }
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let path = Self.path(of: url)
        let status: Int
        let data: Data
        let retryAfter: String?
        do {
            let response = try await http.execute(request, timeout: .milliseconds(Self.milliseconds(settings.requestTimeout)))
            let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
            status = Int(response.status.code)
            data = Data(bytes.readableBytesView)
            retryAfter = response.headers.first(name: "Retry-After")
        } catch {
            logger.info("cloudflare \(method.rawValue) \(path): no answer")
            throw CloudflareStreamError(kind: .retryable, operation: operation, detail: scrub("\(error)"))
        }
        logger.debug("cloudflare \(method.rawValue) \(path) → \(status)")
        guard (200..<300).contains(status) else {
            let errors = CloudflareErrorBody.errors(in: data).map { CloudflareAPIMessage(code: $0.code, message: scrub($0.message)) }
            throw CloudflareStreamError(
                kind: CloudflareStreamError.kind(ofStatus: status), operation: operation, status: status, errors: errors,
                retryAfter: status == 429 ? retryAfter.flatMap(Self.seconds) : nil)
        }
        return Answer(status: status, body: data)
    }

    /// The envelope's `result`; an envelope saying `success: false`, or none, is an error.
    static func result<T: Decodable>(_ type: T.Type, of answer: Answer, operation: String) throws(CloudflareStreamError) -> T {
        let envelope: CloudflareEnvelope<T>
        do { envelope = try JSONDecoder().decode(CloudflareEnvelope<T>.self, from: answer.body) } catch {
            throw malformed(operation, status: answer.status, "\(error)")
        }
        guard envelope.success else {
            throw CloudflareStreamError(kind: .invalidRequest, operation: operation, status: answer.status, errors: envelope.errors)
        }
        guard let result = envelope.result else { throw malformed(operation, status: answer.status, "no result") }
        return result
    }

    /// For answers without a result worth reading (delete): an empty body or a successful envelope.
    static func checkEnvelope(of answer: Answer, operation: String) throws(CloudflareStreamError) {
        guard !answer.body.isEmpty else { return }
        struct Success: Decodable { var success: Bool?; var errors: [CloudflareAPIMessage]? }
        guard let envelope = try? JSONDecoder().decode(Success.self, from: answer.body) else { return }
        if envelope.success == false {
            throw CloudflareStreamError(kind: .invalidRequest, operation: operation, status: answer.status, errors: envelope.errors ?? [])
        }
    }

    /// A bare JSON answer (the customer domain has no envelope).
    static func plain<T: Decodable>(_ type: T.Type, of answer: Answer, operation: String) throws(CloudflareStreamError) -> T {
        do { return try JSONDecoder().decode(T.self, from: answer.body) } catch {
            throw malformed(operation, status: answer.status, "\(error)")
        }
    }

    private static func malformed(_ operation: String, status: Int, _ why: String) -> CloudflareStreamError {
        CloudflareStreamError(kind: .malformed, operation: operation, status: status, detail: String(why.prefix(300)))
    }

    /// `text` without the token, in case a message or a library error quotes it.
    func scrub(_ text: String) -> String {
        let token = settings.apiToken.revealed()
        let clean = token.isEmpty ? text : text.replacingOccurrences(of: token, with: "<redacted>")
        return String(clean.prefix(500))
    }

    /// `Retry-After` in delta-seconds; an HTTP date is not honoured (the backoff applies).
    static func seconds(_ header: String) -> Duration? {
        Int(header.trimmingCharacters(in: .whitespaces)).flatMap { $0 >= 0 ? .seconds($0) : nil }
    }

    /// The URL's path, for log lines (hosts and ids are not secret; queries are dropped).
    static func path(of url: String) -> String {
        URL(string: url)?.path ?? ""
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
