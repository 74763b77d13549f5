/// Everything a worker needs to run one relay, resolved from config by the supervisor
/// and sent to the worker as JSON. The worker never reads config files itself, so a
/// reload on disk cannot change a relay under its feet.
public struct RelaySpec: Sendable, Codable, Hashable {
    public struct Output: Sendable, Codable, Hashable {
        /// The platform name from config (or "output1"… for ad-hoc relays).
        public var name: String
        public var sink: PluginConfig

        public init(name: String, sink: PluginConfig) {
            self.name = name
            self.sink = sink
        }
    }

    public var route: String
    public var channel: String
    /// Variable values beyond `channel` and `route` (pattern captures).
    public var values: [String: String]
    public var source: PluginConfig
    public var transcoder: PluginConfig
    public var outputs: [Output]
    /// Packets a sink may fall behind by before it drops (and waits for a keyframe).
    public var sinkQueuePackets: Int
    /// How long a lost live source may stay away while the outputs get slate and silence
    /// (milliseconds; 0: losing the source ends the relay at once).
    public var reconnectWindowMs: Int64
    /// Re-open attempts within the window, for sources that can be re-opened.
    public var sourceRetries: Int
    /// A PNG or JPEG shown while the source is away, instead of the last picture (or black).
    public var slateImage: String?

    public init(
        route: String, channel: String, values: [String: String] = [:], source: PluginConfig,
        transcoder: PluginConfig, outputs: [Output], sinkQueuePackets: Int = 1024, reconnectWindowMs: Int64 = 60_000,
        sourceRetries: Int = 3, slateImage: String? = nil
    ) {
        self.route = route
        self.channel = channel
        self.values = values
        self.source = source
        self.transcoder = transcoder
        self.outputs = outputs
        self.sinkQueuePackets = sinkQueuePackets
        self.reconnectWindowMs = reconnectWindowMs
        self.sourceRetries = sourceRetries
        self.slateImage = slateImage
    }
}
