/// One entry of the list answer: only `uid`, `meta`, `created`, `modified` and
/// `deleteRecordingAfterDays` (reference §1.3); GET the input for its credentials.
public struct LiveInputSummary: Sendable, Equatable, Decodable {
    public var uid: String
    public var meta: [String: String]
    public var created: String?
    public var modified: String?
    public var deleteRecordingAfterDays: Int?

    private enum CodingKeys: String, CodingKey { case uid, meta, created, modified, deleteRecordingAfterDays }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uid = try container.decode(String.self, forKey: .uid)
        meta = (try? container.decodeIfPresent(LiveInputMeta.self, forKey: .meta))?.values ?? [:]
        created = try? container.decodeIfPresent(String.self, forKey: .created)
        modified = try? container.decodeIfPresent(String.self, forKey: .modified)
        deleteRecordingAfterDays = (try? container.decodeIfPresent(Double.self, forKey: .deleteRecordingAfterDays))
            .flatMap { Int(exactly: $0) }
    }

    /// The relay this input was made for, when its meta says so.
    public var relayTag: RelayTag? { RelayTag(meta: meta) }
}

/// The list answer `{liveInputs, range, total}`. The API documents no page or cursor
/// parameter for this list (only `include_counts`), so one call is all there is: when
/// `total` says more inputs exist than came back, the listing is incomplete, and a caller
/// sweeping orphans deletes what it got and lists again.
public struct LiveInputListing: Sendable, Equatable {
    public var liveInputs: [LiveInputSummary]
    /// "The total number of remaining live inputs based on cursor position."
    public var range: Int?
    /// "The total number of live inputs that match the provided filters."
    public var total: Int?

    public init(liveInputs: [LiveInputSummary], range: Int?, total: Int?) {
        self.liveInputs = liveInputs
        self.range = range
        self.total = total
    }

    /// Every input of the account came back (or the answer did not say otherwise).
    public var isComplete: Bool { total.map { liveInputs.count >= $0 } ?? true }
}

extension LiveInputListing: Decodable {
    private enum CodingKeys: String, CodingKey { case liveInputs, range, total }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        liveInputs = try container.decodeIfPresent([LiveInputSummary].self, forKey: .liveInputs) ?? []
        range = (try? container.decodeIfPresent(Double.self, forKey: .range)).flatMap { Int(exactly: $0) }
        total = (try? container.decodeIfPresent(Double.self, forKey: .total)).flatMap { Int(exactly: $0) }
    }
}
