/// A channel as CreateChannel and GetChannel return it.
public struct IVSChannel: Sendable, Equatable, Decodable {
    public var arn: String
    public var name: String
    public var latencyMode: IVSLatencyMode
    public var type: IVSChannelType
    /// A bare host name, e.g. `f99084460c35.global-contribute.live-video.net`.
    public var ingestEndpoint: String
    /// The HLS master playlist buyers play.
    public var playbackUrl: String
    public var authorized: Bool
    public var insecureIngest: Bool
    public var recordingConfigurationArn: String
    public var tags: [String: String]

    enum CodingKeys: String, CodingKey {
        case arn, name, latencyMode, type, ingestEndpoint, playbackUrl, authorized, insecureIngest, recordingConfigurationArn, tags
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        arn = try container.decode(String.self, forKey: .arn)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        latencyMode = try container.decodeIfPresent(IVSLatencyMode.self, forKey: .latencyMode) ?? .low
        type = try container.decodeIfPresent(IVSChannelType.self, forKey: .type) ?? .standard
        ingestEndpoint = try container.decode(String.self, forKey: .ingestEndpoint)
        playbackUrl = try container.decode(String.self, forKey: .playbackUrl)
        authorized = try container.decodeIfPresent(Bool.self, forKey: .authorized) ?? false
        insecureIngest = try container.decodeIfPresent(Bool.self, forKey: .insecureIngest) ?? false
        recordingConfigurationArn = try container.decodeIfPresent(String.self, forKey: .recordingConfigurationArn) ?? ""
        tags = try container.decodeIfPresent([String: String].self, forKey: .tags) ?? [:]
    }

    /// Where the encoder publishes (RTMPS on 443, app `app`, the key as the stream name).
    public func ingest(streamKey: IVSStreamKeyValue) -> IVSIngest {
        IVSIngest(endpoint: ingestEndpoint, streamKey: streamKey)
    }
}

/// A channel as ListChannels shows it: no ingest endpoint or playback URL (GetChannel has them).
public struct IVSChannelSummary: Sendable, Equatable, Decodable {
    public var arn: String
    public var name: String?
    public var latencyMode: IVSLatencyMode?
    public var type: IVSChannelType?
    public var tags: [String: String]?
}

/// One page of ListChannels; `nextToken` nil on the last.
public struct IVSChannelPage: Sendable, Equatable, Decodable {
    public var channels: [IVSChannelSummary]
    public var nextToken: String?
}

/// CreateChannel's answer: the channel and the stream key IVS made for it.
public struct IVSCreatedChannel: Sendable, Equatable, Decodable {
    public var channel: IVSChannel
    public var streamKey: IVSStreamKey

    public var ingest: IVSIngest { channel.ingest(streamKey: streamKey.value) }
}
