import Hummingbird
import Logging

/// Turns every error into the JSON error body, so no client ever sees an empty 500 or
/// Hummingbird's plain-text errors: router 404s, body limits, our own refusals.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = RelayAPIRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return error.response()
        } catch let error as any HTTPResponseError {
            return APIError(error.status, code: Self.code(error.status), Self.message(error.status)).response()
        } catch {
            context.logger.error("request failed: \(error)")
            return APIError(.internalServerError, code: "internal", "internal error").response()
        }
    }

    static func code(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .contentTooLarge: "payload_too_large"
        case .methodNotAllowed: "method_not_allowed"
        case .badRequest: "bad_request"
        default: "http_\(status.code)"
        }
    }

    static func message(_ status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such endpoint"
        default: status.reasonPhrase
        }
    }
}
