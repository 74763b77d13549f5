import Hummingbird

/// `Authorization: Bearer <token>` on every endpoint but the public ones and webhooks. GET needs any
/// token; everything else needs an admin token. Missing or unknown token: 401; a read
/// token on a write: 403. Tokens never appear in a response or a log line.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = RelayAPIRequestContext

    static let publicPaths: Set<String> = ["/healthz", "/readyz", "/openapi.json"]

    let tokens: [(token: [UInt8], scope: APIScope)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // Webhook senders cannot hold our tokens; their receivers check signatures.
        if Self.publicPaths.contains(request.uri.path) || request.uri.path.hasPrefix(WebhookRoutes.pathPrefix) {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw unauthorized("missing bearer token (Authorization: Bearer <token>)")
        }
        let presented = Array(header.utf8.dropFirst("bearer ".count))
        guard let scope = scope(of: presented) else { throw unauthorized("invalid token") }
        let isRead = request.method == .get || request.method == .head
        if scope == .read, !isRead {
            throw APIError(.forbidden, code: "forbidden", "this token may only read; \(request.method) needs an admin token")
        }
        var context = context
        context.scope = scope
        return try await next(request, context)
    }

    /// Compares against every configured token, each in time that depends only on the
    /// lengths, so timing tells neither which token nor how much of one matched.
    func scope(of presented: [UInt8]) -> APIScope? {
        var found: APIScope?
        for entry in tokens where ConstantTime.equal(presented, entry.token) {
            found = entry.scope
        }
        return found
    }

    private func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }
}

enum ConstantTime {
    /// Equal bytes, examined in full whatever the first difference.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        if a.count != b.count { difference |= 1 }
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }
}
