/// The payload of a Media Push event (productId 5): a converter was created, changed
/// state or configuration, or was destroyed.
public struct MediaPushEvent: Sendable, Equatable {
    public let kind: Kind
    /// `payload.converter.id`.
    public let converterID: String
    public let converterName: String?
    /// "connecting", "running" or "failed"; absent on destroy.
    public let state: String?
    /// "Delete Request", "Idle Timeout" or "Internal Error"; destroy events only.
    public let destroyReason: String?
    /// The `X-Request-ID` of the REST call that caused the event, when there was one.
    public let xRequestId: String?
    /// Agora's event time. Documented as milliseconds, but its examples are seconds.
    public let lts: Int64?

    private enum CodingKeys: String, CodingKey {
        case converter, destroyReason, xRequestId, lts
    }

    private enum ConverterKeys: String, CodingKey {
        case id, name, state
    }

    init(kind: Kind, from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try container.requireKey(.converter, in: "Media Push event payload")
        let converter = try container.nestedContainer(keyedBy: ConverterKeys.self, forKey: .converter)
        self.kind = kind
        converterID = try converter.required(String.self, .id, in: "Media Push converter")
        converterName = try converter.decodeIfPresent(String.self, forKey: .name)
        state = try converter.decodeIfPresent(String.self, forKey: .state)
        destroyReason = try container.decodeIfPresent(String.self, forKey: .destroyReason)
        xRequestId = try container.decodeIfPresent(String.self, forKey: .xRequestId)
        lts = try container.decodeIfPresent(Int64.self, forKey: .lts)
    }
}
