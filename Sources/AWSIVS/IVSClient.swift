public import AsyncHTTPClient
import AWSSigV4
import Foundation
import NIOCore
import NIOHTTP1

/// Amazon IVS (low-latency channels) over restJson1: every operation is a signed
/// `POST /<Operation>` with a JSON body (platforms.md §2). Failures arrive as `IVSError`
/// (or `CancellationError`); retryable ones are retried per `configuration.retry` first.
public struct IVSClient: Sendable, CustomStringConvertible {
    public let configuration: IVSConfiguration
    let http: HTTPClient
    let signer: SigV4Signer

    /// Uses `httpClient` for the connections (default: AsyncHTTPClient's shared one).
    public init(configuration: IVSConfiguration, httpClient: HTTPClient = .shared) {
        self.configuration = configuration
        http = httpClient
        signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "ivs")
    }

    public var description: String { "IVSClient(\(configuration))" }

    /// Which failures a call may retry. A create that timed out or hit a 5xx may have
    /// happened; retrying it would make a second channel, so creates retry only throttling
    /// (which AWS answers before doing anything).
    enum Retry {
        case whenRetryable
        case throttlingOnly

        func allows(_ error: IVSError) -> Bool {
            switch self {
            case .whenRetryable: error.kind == .retryable
            case .throttlingOnly: error.kind == .retryable && (error.status == 429 || error.name == "ThrottlingException")
            }
        }
    }

    /// A JSON answer decoded as `Reply`, after retries.
    func call<Reply: Decodable>(_ operation: String, _ input: some Encodable, retry: Retry = .whenRetryable) async throws -> Reply {
        let body = try await callRaw(operation, input, retry: retry)
        do {
            return try JSONDecoder().decode(Reply.self, from: Data(body))
        } catch {
            throw IVSError(
                kind: .other, operation: operation, name: "MalformedReply", status: nil,
                message: "the answer is not the documented JSON: \(scrub(String(describing: error)))")
        }
    }

    /// The answer's body bytes, after retries.
    func callRaw(_ operation: String, _ input: some Encodable, retry: Retry = .whenRetryable) async throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try Array(encoder.encode(input))
        let policy = configuration.retry
        var attempt = 1
        while true {
            do {
                return try await send(operation, body: body)
            } catch let error as IVSError where attempt < policy.maxAttempts && retry.allows(error) {
                try await policy.clock.sleep(for: policy.delay(after: attempt))
                attempt += 1
            }
        }
    }

    /// One signed exchange; a non-2xx answer becomes an `IVSError`.
    private func send(_ operation: String, body: [UInt8]) async throws -> [UInt8] {
        let endpoint = configuration.endpoint
        let path = "/\(operation)"
        let headers: [(name: String, value: String)] = [
            ("host", endpoint.hostHeader), ("content-type", "application/json"),
        ]
        let signature = signer.sign(SigV4Request(method: "POST", path: path, headers: headers, body: body), at: configuration.now())
        var request = HTTPClientRequest(url: "\(endpoint.scheme)://\(endpoint.hostHeader)\(path)")
        request.method = .POST
        for (name, value) in headers + signature.headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))

        let status: Int
        let errorType: String?
        let reply: [UInt8]
        do {
            let response = try await http.execute(request, timeout: .milliseconds(configuration.timeout.milliseconds))
            status = Int(response.status.code)
            errorType = response.headers.first(name: "x-amzn-errortype")
            reply = Array(buffer: try await response.body.collect(upTo: 4 << 20))
        } catch {
            if error is CancellationError { throw error }
            throw IVSError(
                kind: .retryable, operation: operation, name: "Transport", status: nil,
                message: "no answer from \(endpoint): \(scrub(String(describing: error)))")
        }
        guard (200..<300).contains(status) else {
            let parsed = IVSErrorReply.parse(status: status, errorType: errorType, body: reply)
            let kind = IVSError.kind(name: parsed.name, status: status)
            throw IVSError(
                kind: kind, operation: operation, name: parsed.name, status: status, message: scrub(parsed.message),
                credentialSettings: kind == .auth ? configuration.credentialSettings : nil)
        }
        return reply
    }

    /// Text from elsewhere with our secrets masked: AWS's InvalidSignatureException quotes
    /// the canonical request, session token included.
    func scrub(_ text: String) -> String {
        configuration.credentials.secrets.filter { !$0.isEmpty }.reduce(text) {
            $0.replacingOccurrences(of: $1, with: "***")
        }
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
