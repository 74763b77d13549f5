/// Where publishers push a relay's media: an application and a stream key on the gateway's
/// ingest server (`rtmp://host:1935/<app>/<key>`). A source plugin that is pushed to rather
/// than reading asks for one (`SourcePlugin.ingestEndpoint(options:)`); the supervisor
/// registers it with the ingest server for as long as the relay exists.
public struct IngestEndpoint: Sendable, Hashable, Codable {
    /// The RTMP application (the first path segment).
    public var app: String
    /// A `{variable}` template for the stream key; nil: a random key for each relay.
    public var key: String?
    /// A second publisher on the key replaces the first instead of being refused.
    public var takeover: Bool

    public init(app: String, key: String? = nil, takeover: Bool = false) {
        self.app = app
        self.key = key
        self.takeover = takeover
    }
}

/// The endpoint of one relay, its key resolved: what the ingest server matches publishers against.
public struct IngestRegistration: Sendable, Hashable {
    /// The relay's id, `route/channel`.
    public var relay: String
    public var app: String
    /// A secret: never logged.
    public var key: String
    public var takeover: Bool

    public init(relay: String, app: String, key: String, takeover: Bool) {
        self.relay = relay
        self.app = app
        self.key = key
        self.takeover = takeover
    }
}

extension IngestRegistration {
    /// `/<app>/<key>`: what follows the ingest server's URL in a publish URL (a secret).
    public var publishPath: String { "/\(app)/\(key)" }
}

extension IngestRegistration: CustomStringConvertible {
    /// Safe to log: the key is masked.
    public var description: String { "\(relay) (\(app)/***)" }
}
