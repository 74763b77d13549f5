import Foundation
import Synchronization

/// Media Push's Update (reference §1.5): `PATCH …/rtmp-converters/{id}?sequence=n`.
extension FakeAgora {
    /// Fields Agora refuses to change.
    static let immutablePaths = [
        "name", "idleTimeout", "transcodeOptions.rtcChannel", "rawOptions.rtcChannel",
        "transcodeOptions.audioOptions.codecProfile", "transcodeOptions.audioOptions.sampleRate",
        "transcodeOptions.audioOptions.bitrate", "transcodeOptions.audioOptions.audioChannels",
        "transcodeOptions.videoOptions.codec", "transcodeOptions.videoOptions.codecProfile",
    ]

    func updateConverter(_ id: String, _ request: LocalHTTPRequest, requestID: String) -> FakeAgoraOutcome {
        guard let text = request.queryItem("sequence"), let sequence = Int64(text), sequence >= 0 else {
            return .message(400, "Invalid parameter: sequence is required: an integer >= 0, increasing with each update")
        }
        guard let record = state.withLock({ $0.converters[id] }) else {
            return .message(404, "Resource is not found and destroyed")
        }
        // Agora applies the request with the largest sequence: an older one changes nothing.
        if let last = record.sequence, sequence <= last { return summary(record) }
        guard let body = JSONValue.parse(request.body), let patch = body["converter"], patch.members != nil else {
            return .message(400, "Invalid parameter: converter must be an object")
        }
        let updated: ConverterSpec
        let changed: [String]
        do {
            updated = try ConverterValidation.validate(try merged(record.spec.config, patch: patch, mask: body["fields"]?.stringValue))
            changed = Self.changedPaths(record.spec.config, updated.config)
            try Self.checkAllowed(changed, from: record.spec, to: updated)
        } catch {
            return .message(400, (error as? InvalidParameter)?.message ?? "Invalid parameter: converter")
        }
        return state.withLock { state -> FakeAgoraOutcome in
            guard var current = state.converters[id] else { return .message(404, "Resource is not found and destroyed") }
            let mediaChanged =
                current.spec.rtmpURL != updated.rtmpURL || current.spec.video != updated.video || current.spec.audio != updated.audio
            current.spec = updated
            current.sequence = sequence
            if !changed.isEmpty { current.updatedAt = Date() }
            state.converters[id] = current
            var events: [Notification] = []
            // New output settings mean a new RTMP session: the next tick starts it.
            if mediaChanged, current.pusher != nil {
                state.stopPusher(of: id)
                if let event = state.setState(id, "connecting") { events.append(event) }
            }
            var outcome = summary(state.converters[id] ?? current)
            if !changed.isEmpty { events.insert(ConverterEvents.updated(current, changed: changed, requestID: requestID), at: 0) }
            outcome.events = events
            return outcome
        }
    }

    private func summary(_ record: ConverterRecord) -> FakeAgoraOutcome {
        .json(200, ["converter": record.summary, "fields": "id,createTs,updateTs,state"], resourceID: record.id)
    }

    /// The stored converter with the patch applied: only the `fields` paths when given,
    /// else every member the patch has (objects merged). `idleTimeOut` counts as `idleTimeout`.
    private func merged(_ config: JSONValue, patch: JSONValue, mask: String?) throws -> JSONValue {
        var patch = patch
        if let legacy = patch["idleTimeOut"] { patch = patch.removing("idleTimeOut").setting("idleTimeout", legacy) }
        guard let mask else { return config.merging(patch) }
        return try mask.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.reduce(config) { result, path in
            guard let value = patch.value(at: path) else {
                throw InvalidParameter(field: "fields", detail: "names \(path), which the converter object lacks")
            }
            return result.setting(path: path, value)
        }
    }

    /// Immutable fields, mode switches, and vertical layouts (only `rtmpUrl` may change).
    private static func checkAllowed(_ changed: [String], from old: ConverterSpec, to new: ConverterSpec) throws {
        if old.raw != new.raw { throw InvalidParameter(field: "rawOptions, transcodeOptions", detail: "cannot switch modes") }
        if (old.audio == nil) != (new.audio == nil) || (old.video == nil) != (new.video == nil) {
            throw InvalidParameter(field: "transcodeOptions", detail: "cannot switch between audio-only and video-only")
        }
        for path in changed {
            if let fixed = immutablePaths.first(where: { path == $0 || path.hasPrefix($0 + ".") || $0.hasPrefix(path + ".") }) {
                throw InvalidParameter(field: fixed, detail: "cannot be updated")
            }
        }
        if old.vertical, let other = changed.first(where: { $0 != "rtmpUrl" }) {
            throw InvalidParameter(field: other, detail: "cannot be updated with layoutType 1: only rtmpUrl can")
        }
    }

    /// The dotted paths whose values differ (objects compared member by member).
    static func changedPaths(_ old: JSONValue, _ new: JSONValue, prefix: String = "") -> [String] {
        if let oldMembers = old.members, let newMembers = new.members {
            var keys = oldMembers.map(\.0)
            keys += newMembers.map(\.0).filter { !keys.contains($0) }
            return keys.flatMap { key in
                changedPaths(old[key] ?? .null, new[key] ?? .null, prefix: prefix.isEmpty ? key : "\(prefix).\(key)")
            }
        }
        return old == new ? [] : [prefix]
    }
}
