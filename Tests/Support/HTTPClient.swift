public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One HTTP exchange as a test sees it.
public struct HTTPReply: Sendable, CustomStringConvertible {
    public var status: Int
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as JSON, nil if it is not.
    public var json: Any? { try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    /// `error.field` / `error.message` of a JSON error body.
    public var errorField: String? { ((json as? [String: Any])?["error"] as? [String: Any])?["field"] as? String }
    public var errorMessage: String? { ((json as? [String: Any])?["error"] as? [String: Any])?["message"] as? String }

    public var description: String { "HTTP \(status) \(text)" }
}

/// A plain HTTP client over URLSession: real requests on a real socket, no retries, no
/// caching, nothing between the test and the server.
public final class HTTPClient: Sendable {
    public let baseURL: String
    private let session: URLSession

    public init(baseURL: String) {
        self.baseURL = baseURL
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 15
        configuration.httpMaximumConnectionsPerHost = 32
        session = URLSession(configuration: configuration)
    }

    public func send(
        _ method: String, _ path: String, token: String? = nil, body: Data? = nil,
        contentType: String? = "application/json", headers: [String: String] = [:]
    ) async throws -> HTTPReply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = body
            if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        }
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw TestFailure("\(method) \(path): not HTTP") }
        var headers: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            if let name = name as? String, let value = value as? String { headers[name.lowercased()] = value }
        }
        return HTTPReply(status: http.statusCode, headers: headers, body: data)
    }

    /// JSON-encodes `object` as the body. `headers` are set as given (e.g. Basic auth).
    public func send(
        _ method: String, _ path: String, token: String? = nil, json object: [String: Any], headers: [String: String] = [:]
    ) async throws -> HTTPReply {
        try await send(method, path, token: token, body: try JSONSerialization.data(withJSONObject: object), headers: headers)
    }
}
