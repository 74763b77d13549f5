/// The create body's rules (reference §1.2), checked as Cloudflare would: `meta` an object,
/// `recording.mode` `off` or `automatic`, `timeoutSeconds` a non-negative integer,
/// `deleteRecordingAfterDays` null or 30…1096, `preferLowLatency` only with automatic
/// recording. Stricter in one way: unknown fields are refused, so a misspelt field fails
/// here instead of being ignored silently.
enum LiveInputValidation {
    static let topLevel: Set = ["meta", "recording", "deleteRecordingAfterDays", "defaultCreator", "enabled", "preferLowLatency"]
    static let recordingFields: Set = ["mode", "timeoutSeconds", "requireSignedURLs", "allowedOrigins", "hideLiveViewerCount"]

    /// Nil when `body` is a valid create, else the message of a 400.
    static func problem(in body: JSONValue?) -> String? {
        guard let body, let members = body.members else { return "request body must be a JSON object" }
        if let unknown = members.map(\.0).first(where: { !topLevel.contains($0) }) { return "unknown field: \(unknown)" }
        if let meta = body["meta"], meta.members == nil { return "meta must be an object" }
        if let recording = body["recording"], let problem = recordingProblem(recording) { return problem }
        if let days = body["deleteRecordingAfterDays"], days != .null {
            guard let value = number(days) else { return "deleteRecordingAfterDays must be a number" }
            guard value >= 30 else { return "deleteRecordingAfterDays must be at least 30" }
            guard value <= 1096 else { return "deleteRecordingAfterDays must be at most 1096" }
        }
        if let creator = body["defaultCreator"], creator.stringValue == nil { return "defaultCreator must be a string" }
        for flag in ["enabled", "preferLowLatency"] {
            if let value = body[flag], !isBool(value) { return "\(flag) must be a boolean" }
        }
        if body["preferLowLatency"] == .bool(true), body.value(at: "recording.mode")?.stringValue != "automatic" {
            return "preferLowLatency requires recording.mode automatic"
        }
        return nil
    }

    private static func recordingProblem(_ recording: JSONValue) -> String? {
        guard let members = recording.members else { return "recording must be an object" }
        if let unknown = members.map(\.0).first(where: { !recordingFields.contains($0) }) {
            return "unknown field: recording.\(unknown)"
        }
        if let mode = recording["mode"], !["off", "automatic"].contains(mode.stringValue ?? "") {
            return "recording.mode must be one of off, automatic"
        }
        if let timeout = recording["timeoutSeconds"] {
            guard let seconds = timeout.intValue, seconds >= 0 else { return "recording.timeoutSeconds must be a non-negative integer" }
        }
        for flag in ["requireSignedURLs", "hideLiveViewerCount"] {
            if let value = recording[flag], !isBool(value) { return "recording.\(flag) must be a boolean" }
        }
        if let origins = recording["allowedOrigins"], origins != .null {
            guard let items = origins.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                return "recording.allowedOrigins must be an array of strings"
            }
        }
        return nil
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let v): Double(v)
        case .double(let v): v
        default: nil
        }
    }

    private static func isBool(_ value: JSONValue) -> Bool {
        if case .bool = value { return true }
        return false
    }
}
