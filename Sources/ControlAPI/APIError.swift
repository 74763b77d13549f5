import Foundation
public import Hummingbird

/// Every error response: `{"error": {"code", "message", "field"?}}`, with the status and
/// headers (`Retry-After`, `WWW-Authenticate`) that go with it.
public struct APIError: Error, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "bad_request", message, field: field)
    }

    static func retryLater(_ status: HTTPResponse.Status, code: String, _ message: String, after seconds: Int) -> APIError {
        var error = APIError(status, code: code, message)
        error.headers[.retryAfter] = "\(seconds)"
        return error
    }

    init(_ error: ControlError) {
        switch error {
        case .invalid(let field, let message): self = .badRequest(message, field: field)
        case .notFound(let message): self.init(.notFound, code: "not_found", message)
        case .conflict(let message): self.init(.conflict, code: "conflict", message)
        case .limitReached(let message, let seconds):
            self = .retryLater(.tooManyRequests, code: "limit_reached", message, after: seconds)
        case .unavailable(let message, let seconds):
            self = .retryLater(.serviceUnavailable, code: "unavailable", message, after: seconds)
        }
    }

    func response() -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                var code: String
                var message: String
                var field: String?
            }
            var error: Detail
        }
        var response = JSONResponse.make(status, Body(error: .init(code: code, message: message, field: field)))
        for field in headers { response.headers.append(field) }
        return response
    }
}
