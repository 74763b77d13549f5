/// A stream key's value: whoever has it can broadcast on the channel. It prints as `***`;
/// read `revealed` only to hand it to the encoder.
public struct IVSStreamKeyValue: Sendable, Equatable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    public let revealed: String

    public init(_ revealed: String) { self.revealed = revealed }
    public init(from decoder: any Decoder) throws { revealed = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(revealed)
    }

    public var description: String { "***" }
    public var debugDescription: String { "***" }
}

/// A stream key with its value (CreateChannel, CreateStreamKey, GetStreamKey).
public struct IVSStreamKey: Sendable, Equatable, Decodable {
    public var arn: String
    public var channelArn: String
    public var value: IVSStreamKeyValue
    public var tags: [String: String]

    enum CodingKeys: String, CodingKey { case arn, channelArn, value, tags }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        arn = try container.decode(String.self, forKey: .arn)
        channelArn = try container.decode(String.self, forKey: .channelArn)
        value = try container.decode(IVSStreamKeyValue.self, forKey: .value)
        tags = try container.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    }
}

/// A stream key as ListStreamKeys shows it: no value (GetStreamKey has it).
public struct IVSStreamKeySummary: Sendable, Equatable, Decodable {
    public var arn: String
    public var channelArn: String
    public var tags: [String: String]?
}
