/// Cloudflare's answer shapes: every API answer is `{result, success, errors, messages}`,
/// errors carry `{code, message}` entries. Codes are Cloudflare's where known (10000
/// authentication error, 7000/7003 routing, 971 throttling); the others are the fake's
/// choice, documented in `FakeCloudflare`.
enum FakeCloudflareAnswer {
    static func success(_ result: JSONValue, status: Int = 200) -> LocalHTTPResponse {
        json(status, ["result": result, "success": true, "errors": [], "messages": []])
    }

    static func error(_ status: Int, code: Int64, _ message: String, headers: [(String, String)] = []) -> LocalHTTPResponse {
        var response = json(
            status, ["result": nil, "success": false, "errors": [["code": .int(code), "message": .string(message)]], "messages": []])
        response.headers += headers
        return response
    }

    static func json(_ status: Int, _ body: JSONValue) -> LocalHTTPResponse {
        LocalHTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: body.bytes)
    }

    static let authentication = (code: Int64(10000), message: "Authentication error")
    static let notFound = (code: Int64(10003), message: "Not Found")
    static let badRequest = Int64(10005)
    static let throttled = (code: Int64(971), message: "Please wait and consider throttling your request speed")
    static let internalError = (code: Int64(10002), message: "Internal server error")
}

extension FakeCloudflare.StoredLiveInput {
    /// The whole input, as create, get and update answer it (reference §1.3).
    func full(_ configuration: FakeCloudflare.Configuration) -> JSONValue {
        let ingest = JSONValue.object([("url", .string(configuration.ingestURL)), ("streamKey", .string(streamKey))])
        let customer = "https://customer-\(configuration.customerCode).cloudflarestream.com"
        return [
            "uid": .string(uid),
            "rtmps": ingest,
            "rtmpsPlayback": ingest,
            "srt": ["url": "srt://127.0.0.1:778", "streamId": .string(uid), "passphrase": .string(streamKey)],
            "srtPlayback": ["url": "srt://127.0.0.1:778", "streamId": .string(uid), "passphrase": .string(streamKey)],
            "webRTC": ["url": .string("\(customer)/\(streamKey)/webRTC/publish")],
            "webRTCPlayback": ["url": .string("\(customer)/\(uid)/webRTC/play")],
            "created": .string(created),
            "modified": .string(modified),
            "meta": meta,
            "recording": recording,
            "enabled": .bool(enabled),
            "deleteRecordingAfterDays": deleteRecordingAfterDays,
            "status": status(configuration.statusShape),
        ]
    }

    /// A list entry: only the documented five fields.
    var summary: JSONValue {
        [
            "uid": .string(uid), "meta": meta, "created": .string(created), "modified": .string(modified),
            "deleteRecordingAfterDays": deleteRecordingAfterDays,
        ]
    }

    /// `null` until a broadcast came, then connected or disconnected in the chosen shape.
    func status(_ shape: FakeCloudflare.StatusShape) -> JSONValue {
        guard live || wasLive else { return .null }
        switch shape {
        case .string: return live ? "connected" : "client_disconnect"
        case .object: return ["current": ["state": live ? "connected" : "disconnected"], "history": []]
        }
    }

    /// `/lifecycle` (reference §1.4).
    var lifecycle: JSONValue {
        ["isInput": true, "videoUID": videoUID.map(JSONValue.string) ?? .null, "live": .bool(live)]
    }
}
