/// The body of a create (reference §1.2). Recording is always `automatic`: with the
/// default `off` the input is neither recorded nor playable over HLS, which is the point.
public struct LiveInputRequest: Sendable, Equatable, Encodable {
    public var meta: [String: String]
    /// How long the feed may be gone before a new video starts; 0 is the platform default.
    public var timeoutSeconds: Int
    /// 30…1096, or nil to keep recordings.
    public var deleteRecordingAfterDays: Int?

    public static let deleteRecordingAfterDaysRange = 30...1096

    public init(meta: [String: String], timeoutSeconds: Int = 0, deleteRecordingAfterDays: Int? = nil) {
        self.meta = meta
        self.timeoutSeconds = timeoutSeconds
        self.deleteRecordingAfterDays = deleteRecordingAfterDays
    }

    /// An input for one relay, tagged with its channel and route.
    public init(relay tag: RelayTag, timeoutSeconds: Int = 0, deleteRecordingAfterDays: Int? = nil) {
        self.init(meta: tag.meta, timeoutSeconds: timeoutSeconds, deleteRecordingAfterDays: deleteRecordingAfterDays)
    }

    /// What Cloudflare would refuse, said before sending it; nil when fine.
    public var problem: String? {
        if timeoutSeconds < 0 { return "recording.timeoutSeconds must not be negative" }
        if let days = deleteRecordingAfterDays, !Self.deleteRecordingAfterDaysRange.contains(days) {
            return "deleteRecordingAfterDays must be within 30…1096, got \(days)"
        }
        return nil
    }

    private struct Recording: Encodable {
        var mode: String
        var timeoutSeconds: Int
    }

    private enum CodingKeys: String, CodingKey { case meta, recording, deleteRecordingAfterDays }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(meta, forKey: .meta)
        try container.encode(Recording(mode: "automatic", timeoutSeconds: timeoutSeconds), forKey: .recording)
        // Omitted, not null: null would clear a scheduled deletion, omission keeps the default.
        try container.encodeIfPresent(deleteRecordingAfterDays, forKey: .deleteRecordingAfterDays)
    }
}
