import Synchronization

extension FakeCloudflare {
    /// What a request asks for, for failure injection and the request log.
    public enum Operation: Sendable, Hashable {
        case create, list, get, update, delete
        /// Customer domain: `/<uid>/lifecycle`, `/<uid>/views`.
        case lifecycle, views

        var needsWrite: Bool { [.create, .update, .delete].contains(self) }
    }

    /// What the next calls answer instead of doing their work (after authentication, so a
    /// wrong token still gets its 401).
    public enum Failure: Sendable, Equatable {
        /// 429 with `Retry-After: seconds` (none when nil).
        case rateLimited(retryAfterSeconds: Int?)
        /// 500 (or another 5xx).
        case serverError(Int)
        /// 403, as a token that lost its permission.
        case forbidden
    }
}

/// Which endpoint an API path is: `/client/v4/accounts/{account_id}/stream/live_inputs[/{id}]`.
enum FakeCloudflareRoute {
    case collection(account: String)
    case item(account: String, id: String)

    init?(path: String) {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard parts.count >= 6, parts[0] == "client", parts[1] == "v4", parts[2] == "accounts", parts[4] == "stream",
            parts[5] == "live_inputs"
        else { return nil }
        switch parts.count {
        case 6: self = .collection(account: parts[3])
        case 7 where !parts[6].isEmpty: self = .item(account: parts[3], id: parts[6])
        default: return nil
        }
    }

    var account: String {
        switch self {
        case .collection(let account), .item(let account, _): account
        }
    }

    func operation(_ method: String) -> FakeCloudflare.Operation? {
        switch (self, method) {
        case (.collection, "POST"): .create
        case (.collection, "GET"): .list
        case (.item, "GET"): .get
        case (.item, "PUT"): .update
        case (.item, "DELETE"): .delete
        default: nil
        }
    }
}

extension FakeCloudflare {
    /// The API host: route, method, bearer token, account, permission, injected failure,
    /// then the endpoint; in that order, the first that refuses answers.
    func handleAPI(_ request: LocalHTTPRequest) -> LocalHTTPResponse {
        guard let route = FakeCloudflareRoute(path: request.path) else {
            return FakeCloudflareAnswer.error(404, code: 7000, "No route for that URI")
        }
        guard let operation = route.operation(request.method) else {
            return FakeCloudflareAnswer.error(405, code: 7001, "Method \(request.method) not available for that URI.")
        }
        let auth = FakeCloudflareAnswer.authentication
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer "),
            let permission = configuration.tokens[String(header.dropFirst("Bearer ".count))]
        else { return FakeCloudflareAnswer.error(401, code: auth.code, auth.message) }
        guard route.account == configuration.accountID, permission != .none,
            permission == .streamWrite || !operation.needsWrite
        else { return FakeCloudflareAnswer.error(403, code: auth.code, auth.message) }
        if let injected = takeFailure(for: operation) { return injected }
        switch route {
        case .collection: return operation == .create ? create(request) : list(request)
        case .item(_, let id):
            guard id.count == 32, id.allSatisfy(\.isHexDigit) else {
                return FakeCloudflareAnswer.error(
                    404, code: 7003, "Could not route to \(request.path), perhaps your object identifier is invalid?")
            }
            switch operation {
            case .get: return get(id)
            case .delete: return delete(id)
            default: return FakeCloudflareAnswer.error(501, code: 10002, "PUT is not implemented by the fake")
            }
        }
    }

    /// The customer domain: `GET /<uid>/lifecycle` and `GET /<uid>/views`, no token.
    func handleCustomerDomain(_ request: LocalHTTPRequest) -> LocalHTTPResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        guard request.method == "GET", parts.count == 2, ["lifecycle", "views"].contains(parts[1]) else {
            return LocalHTTPResponse(status: 404, body: Array("Not Found".utf8))
        }
        let operation: Operation = parts[1] == "views" ? .views : .lifecycle
        if let injected = takeFailure(for: operation) { return injected }
        guard let input = state.withLock({ $0.inputs[parts[0]] }) else {
            return LocalHTTPResponse(status: 404, body: Array("Not Found".utf8))
        }
        return FakeCloudflareAnswer.json(200, operation == .views ? ["liveViewers": .int(Int64(input.liveViewers))] : input.lifecycle)
    }

    /// The injected failure this call answers with, if one is pending for it.
    private func takeFailure(for operation: Operation) -> LocalHTTPResponse? {
        let failure = state.withLock { state -> Failure? in
            guard let index = state.failures.firstIndex(where: { $0.operation == nil || $0.operation == operation }) else { return nil }
            state.failures[index].remaining -= 1
            let failure = state.failures[index].failure
            if state.failures[index].remaining <= 0 { state.failures.remove(at: index) }
            return failure
        }
        switch failure {
        case nil: return nil
        case .rateLimited(let seconds)?:
            let throttled = FakeCloudflareAnswer.throttled
            return FakeCloudflareAnswer.error(
                429, code: throttled.code, throttled.message, headers: seconds.map { [("Retry-After", "\($0)")] } ?? [])
        case .serverError(let status)?:
            return FakeCloudflareAnswer.error(status, code: FakeCloudflareAnswer.internalError.code, FakeCloudflareAnswer.internalError.message)
        case .forbidden?:
            return FakeCloudflareAnswer.error(403, code: FakeCloudflareAnswer.authentication.code, FakeCloudflareAnswer.authentication.message)
        }
    }
}
