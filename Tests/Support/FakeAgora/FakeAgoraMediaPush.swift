import Foundation
import Synchronization

/// Media Push's Create, Get, Delete and List (reference §1.4, §1.6–1.8).
extension FakeAgora {
    static let pageSize = 500

    func createConverter(_ request: LocalHTTPRequest, requestID: String) -> FakeAgoraOutcome {
        guard let body = JSONValue.parse(request.body), body.members != nil else {
            return .message(400, "Invalid parameter: body must be a JSON object {\"converter\":{…}}")
        }
        let spec: ConverterSpec
        do {
            spec = try ConverterValidation.validate(body["converter"])
        } catch {
            return .message(400, (error as? InvalidParameter)?.message ?? "Invalid parameter: converter")
        }
        return state.withLock { state -> FakeAgoraOutcome in
            if let name = spec.name, state.converters.values.contains(where: { $0.spec.name == name }) {
                return .message(409, "Conflict: a converter named \(name) already exists in this project")
            }
            let now = Date()
            let id = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let record = ConverterRecord(id: id, spec: spec, createdAt: now, updatedAt: now)
            state.converters[id] = record
            var outcome = FakeAgoraOutcome.json(
                200, ["converter": record.summary, "fields": "id,createTs,updateTs,state"], resourceID: id)
            outcome.events = [ConverterEvents.created(record, requestID: requestID)]
            return outcome
        }
    }

    /// The documented examples differ: the raw one is wrapped in `converter`, the transcoded
    /// one is not. The fake answers each mode as its example shows, so a client must take both.
    func getConverter(_ id: String) -> FakeAgoraOutcome {
        guard let record = state.withLock({ $0.converters[id] }) else { return .message(404, "Resource is not found and destroyed") }
        return .json(200, record.spec.raw ? ["converter": record.full] : record.full, resourceID: id)
    }

    /// 200 with an empty body; NCS 5/4 "Delete Request" with the caller's request ID.
    func deleteConverter(_ id: String, requestID: String) -> FakeAgoraOutcome {
        state.withLock { state -> FakeAgoraOutcome in
            guard var event = state.destroy(id, reason: "Delete Request") else {
                return .message(404, "Resource is not found and destroyed")
            }
            event.payload = event.payload.setting("xRequestId", .string(requestID))
            return FakeAgoraOutcome(response: LocalHTTPResponse(status: 200), events: [event], resourceID: id)
        }
    }

    /// `{success, data:{total_count, cursor, members}}`, numbers as strings like the real
    /// responses; `cursor` is the offset of the next page, 0 after the last.
    func listConverters(channel: String?, cursor: String?) -> FakeAgoraOutcome {
        guard let offset = Int(cursor ?? "0"), offset >= 0 else { return .message(400, "Invalid parameter: cursor") }
        let records = state.withLock { state in
            state.converters.values.filter { channel == nil || $0.spec.channel == channel }.sorted { $0.createdAt < $1.createdAt }
        }
        let page = records.dropFirst(offset).prefix(Self.pageSize)
        let next = offset + Self.pageSize < records.count ? offset + Self.pageSize : 0
        let members: [JSONValue] = page.map { record in
            [
                "rtcChannel": .string(record.spec.channel), "status": "200", "converterName": .string(record.spec.name ?? ""),
                "updateTs": .string("\(record.updateTs)"), "appId": .string(credentials.appID),
                "rtmpUrl": .string(record.spec.rtmpURL), "ip": "127.0.0.1", "converterId": .string(record.id),
                "create": .string("\(record.createTs)"), "idleTimeout": .string("\(record.spec.idleTimeout)"),
                "state": .string(record.state),
            ]
        }
        return .json(
            200,
            [
                "success": true,
                "data": ["total_count": .int(Int64(records.count)), "cursor": .int(Int64(next)), "members": .array(members)],
            ])
    }
}
