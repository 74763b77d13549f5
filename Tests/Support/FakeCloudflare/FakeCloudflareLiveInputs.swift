import Foundation
import Synchronization

/// The live input endpoints proper, once the request passed the shared checks.
extension FakeCloudflare {
    func create(_ request: LocalHTTPRequest) -> LocalHTTPResponse {
        let body = JSONValue.parse(request.body)
        if let problem = LiveInputValidation.problem(in: body) {
            return FakeCloudflareAnswer.error(400, code: FakeCloudflareAnswer.badRequest, problem)
        }
        let input = makeInput(
            meta: body?["meta"] ?? .object([]),
            recording: Self.recording(body?["recording"]),
            deleteRecordingAfterDays: body?["deleteRecordingAfterDays"] ?? .null,
            enabled: body?["enabled"] == .bool(false) ? false : true)
        return FakeCloudflareAnswer.success(input.full(configuration))
    }

    func get(_ id: String) -> LocalHTTPResponse {
        guard let input = state.withLock({ $0.inputs[id] }) else { return notFound() }
        return FakeCloudflareAnswer.success(input.full(configuration))
    }

    /// Oldest first, at most `listLimit`; `total` only with `include_counts=true` (the
    /// parameter "includes the total number"), `range` the number in this answer
    /// ([UNCONFIRMED] meaning: the docs' example has range 1000 next to total 35586).
    func list(_ request: LocalHTTPRequest) -> LocalHTTPResponse {
        let (inputs, limit) = state.withLock { ($0.inputs.values.sorted { $0.sequence < $1.sequence }, $0.listLimit) }
        let page = inputs.prefix(limit)
        var result: [(String, JSONValue)] = [("liveInputs", .array(page.map(\.summary))), ("range", .int(Int64(page.count)))]
        if request.queryItem("include_counts") == "true" { result.append(("total", .int(Int64(inputs.count)))) }
        return FakeCloudflareAnswer.success(.object(result))
    }

    func delete(_ id: String) -> LocalHTTPResponse {
        guard state.withLock({ $0.inputs.removeValue(forKey: id) }) != nil else { return notFound() }
        return FakeCloudflareAnswer.success(.null)
    }

    private func notFound() -> LocalHTTPResponse {
        FakeCloudflareAnswer.error(404, code: FakeCloudflareAnswer.notFound.code, FakeCloudflareAnswer.notFound.message)
    }

    /// A new input under a fresh uid (32 hex) and stream key (32 hex, `k`, 32 hex, as in
    /// the docs' example).
    func makeInput(meta: JSONValue, recording: JSONValue, deleteRecordingAfterDays: JSONValue, enabled: Bool) -> StoredLiveInput {
        let now = Self.timestamp(Date())
        return state.withLock { state in
            // A creation counter keeps "oldest first" well defined within one clock tick.
            state.created += 1
            let input = StoredLiveInput(
                uid: Self.hex(16), streamKey: Self.hex(16) + "k" + Self.hex(16), meta: meta, recording: recording,
                deleteRecordingAfterDays: deleteRecordingAfterDays, enabled: enabled, created: now, modified: now,
                sequence: state.created)
            state.inputs[input.uid] = input
            return input
        }
    }

    /// `recording` with the documented defaults filled in.
    private static func recording(_ sent: JSONValue?) -> JSONValue {
        let defaults: JSONValue = [
            "mode": "off", "timeoutSeconds": 0, "requireSignedURLs": false, "allowedOrigins": nil, "hideLiveViewerCount": false,
        ]
        return sent.map { defaults.merging($0) } ?? defaults
    }

    static func hex(_ bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
