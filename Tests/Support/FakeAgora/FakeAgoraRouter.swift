import Foundation
import Synchronization

/// Which REST endpoint a request is for (reference §1, §3.1).
enum FakeAgoraRoute {
    case create(region: String, appID: String)
    case converter(region: String, appID: String, id: String)
    case list(appID: String, channel: String?)
    case channelUsers(appID: String, channel: String, hostsOnly: Bool)

    init?(method: String, path: String) {
        let parts = path.split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        let converters = parts.count >= 5 && parts[1] == "v1" && parts[2] == "projects" && parts[4] == "rtmp-converters"
        let project = parts.count >= 4 && parts[0] == "v1" && parts[1] == "projects"
        let users = parts.count >= 6 && parts[0] == "dev" && parts[1] == "v1" && parts[2] == "channel" && parts[3] == "user"
        if converters && parts.count == 5 && method == "POST" {
            self = .create(region: parts[0], appID: parts[3])
        } else if converters && parts.count == 6 && ["GET", "PATCH", "DELETE"].contains(method) {
            self = .converter(region: parts[0], appID: parts[3], id: parts[5])
        } else if project && parts.count == 4 && parts[3] == "rtmp-converters" && method == "GET" {
            self = .list(appID: parts[2], channel: nil)
        } else if project && parts.count == 6 && parts[3] == "channels" && parts[5] == "rtmp-converters" && method == "GET" {
            self = .list(appID: parts[2], channel: parts[4])
        } else if users && (parts.count == 6 || (parts.count == 7 && parts[6] == "hosts_only")) && method == "GET" {
            self = .channelUsers(appID: parts[4], channel: parts[5], hostsOnly: parts.count == 7)
        } else {
            return nil
        }
    }

    func operation(method: String) -> FakeAgora.Operation {
        switch self {
        case .create: .create
        case .converter: method == "PATCH" ? .update : method == "DELETE" ? .delete : .get
        case .list: .list
        case .channelUsers: .channelUsers
        }
    }

    var appID: String {
        switch self {
        case .create(_, let appID), .converter(_, let appID, _), .list(let appID, _), .channelUsers(let appID, _, _): appID
        }
    }

    var region: String? {
        switch self {
        case .create(let region, _), .converter(let region, _, _): region
        case .list, .channelUsers: nil
        }
    }
}

/// What one request came to: the response, the NCS events it caused, the converter it was about.
struct FakeAgoraOutcome {
    var response: LocalHTTPResponse
    var events: [FakeAgora.Notification] = []
    var resourceID: String?

    static func message(_ status: Int, _ text: String) -> FakeAgoraOutcome {
        json(status, ["message": .string(text)])
    }

    static func json(_ status: Int, _ body: JSONValue, resourceID: String? = nil) -> FakeAgoraOutcome {
        FakeAgoraOutcome(
            response: LocalHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body.bytes),
            resourceID: resourceID)
    }

    /// Agora's usual wording for a status (reference §1.9), for injected failures.
    static func standardMessage(_ status: Int) -> String {
        switch status {
        case 400: "Invalid parameter"
        case 401: "Invalid authentication credentials."
        case 403: "Forbidden"
        case 404: "Resource is not found and destroyed"
        case 409: "Conflict"
        case 429: "Too Many Requests"
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: status >= 500 ? "Internal Server Error" : "Error"
        }
    }
}

extension FakeAgora {
    static let regions: Set = ["cn", "ap", "na", "eu"]

    /// Answers one REST request: the checks every endpoint shares, in Agora's order, then the
    /// endpoint; records the call and queues its NCS events.
    func handle(_ request: LocalHTTPRequest) async -> LocalHTTPResponse {
        let callerID = request.header("X-Request-ID")
        // Without the caller's ID, Agora's own stands in: in the headers and in NCS's xRequestId.
        let requestID = callerID ?? UUID().uuidString.lowercased()
        var outcome = respond(to: request, requestID: requestID)
        if (200..<300).contains(outcome.response.status) {
            outcome.response.headers.append(("X-Request-ID", requestID))
            if let callerID { outcome.response.headers.append(("X-Custom-Request-ID", callerID)) }
            if let resource = outcome.resourceID { outcome.response.headers.append(("X-Resource-ID", resource)) }
        }
        let call = Call(
            method: request.method, path: request.path, query: request.query, headers: request.headers, body: request.body,
            status: outcome.response.status, at: Date())
        state.withLock { $0.calls.append(call) }
        for event in outcome.events { post(event) }
        if !outcome.events.isEmpty || request.method != "GET" { tick() }
        return outcome.response
    }

    private func respond(to request: LocalHTTPRequest, requestID: String) -> FakeAgoraOutcome {
        guard let route = FakeAgoraRoute(method: request.method, path: request.path) else {
            return .message(404, "Not Found")
        }
        let operation = route.operation(method: request.method)
        if let refusal = sharedChecks(request, route: route, operation: operation) { return refusal }
        switch route {
        case .create:
            return createConverter(request, requestID: requestID)
        case .converter(_, _, let id):
            switch operation {
            case .update: return updateConverter(id, request, requestID: requestID)
            case .delete: return deleteConverter(id, requestID: requestID)
            default: return getConverter(id)
            }
        case .list(_, let channel):
            return listConverters(channel: channel, cursor: request.queryItem("cursor"))
        case .channelUsers(_, let channel, let hostsOnly):
            return channelUsers(channel, hostsOnly: hostsOnly || request.queryItem("hosts_only") != nil)
        }
    }

    /// Outage, auth, rate limit, injected failure, region, App ID: the first that refuses.
    private func sharedChecks(_ request: LocalHTTPRequest, route: FakeAgoraRoute, operation: Operation) -> FakeAgoraOutcome? {
        state.withLock { state -> FakeAgoraOutcome? in
            if state.outage { return .message(503, "Service Unavailable") }
            guard request.header("Authorization") == credentials.basicAuthorization else {
                return .message(401, "Invalid authentication credentials.")
            }
            if let limit = operation.perSecondLimit {
                var key = "\(operation)"
                if case .converter(_, _, let id) = route, operation == .update { key += "/\(id)" }
                guard state.rateLimiter.allow(key, limit: limit) else { return .message(429, "Too Many Requests") }
            }
            if let failure = state.failures[operation], failure.remaining > 0 {
                state.failures[operation]?.remaining -= 1
                return .message(failure.status, failure.message ?? FakeAgoraOutcome.standardMessage(failure.status))
            }
            if let region = route.region, !Self.regions.contains(region) {
                return .message(400, "Invalid parameter: region must be one of cn, ap, na, eu (lowercase)")
            }
            guard route.appID == credentials.appID else {
                if case .channelUsers = route { return .message(400, "invalid appid") }
                return .message(403, "Invalid appId: the project does not exist or Media Push is not enabled for it")
            }
            return nil
        }
    }
}
