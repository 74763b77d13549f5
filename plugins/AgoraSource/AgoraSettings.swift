public import RelayCore

/// `agora:` in relaygate.yaml: the Agora project relaygate drives for routes whose source is
/// `agora`. Needed when such a route exists; every secret comes from `${VAR}`s in practice.
public struct AgoraSettings: PluginOptions {
    /// The project's App ID (32 hex characters).
    public var appID: String
    /// For `relaygate token`; nil: tokens cannot be made from the config.
    public var appCertificate: String?
    /// RESTful API credentials (Console → RESTful API): HTTP Basic on every REST call.
    public var customerID: String
    public var customerSecret: String
    /// The Notification Center secret: webhook signatures are checked with it. Nil: the
    /// webhook receiver refuses every notification.
    public var notificationSecret: String?
    /// Media Push region: where the CDN origin (this gateway's ingest) is.
    public var region: String
    /// `https://api.agora.io`, `https://api.sd-rtn.com` or a regional host. Plain `http://`
    /// only for loopback (a local stand-in or a proxy on the same machine).
    public var apiURL: String
    /// REST retries of one call (404, 429, 5xx, no answer) before it counts as failed.
    public var restRetries: Int
    /// The first wait between retries; later ones grow by the same step (Agora's
    /// recommendation: about 5 s, 10 s, 15 s).
    public var restBackoff: Duration
    /// How often a converter's state is read back (webhooks report it too).
    public var pollInterval: Duration
    /// How often the channel's audience is counted; zero: never.
    public var viewersInterval: Duration
    /// A REST call's timeout.
    public var requestTimeout: Duration

    public static let regions = ["cn", "ap", "na", "eu"]

    public init(
        appID: String, appCertificate: String? = nil, customerID: String, customerSecret: String,
        notificationSecret: String? = nil, region: String = "na", apiURL: String = "https://api.agora.io",
        restRetries: Int = 3, restBackoff: Duration = .seconds(5), pollInterval: Duration = .seconds(10),
        viewersInterval: Duration = .seconds(30), requestTimeout: Duration = .seconds(10)
    ) {
        self.appID = appID
        self.appCertificate = appCertificate
        self.customerID = customerID
        self.customerSecret = customerSecret
        self.notificationSecret = notificationSecret
        self.region = region
        self.apiURL = apiURL
        self.restRetries = restRetries
        self.restBackoff = restBackoff
        self.pollInterval = pollInterval
        self.viewersInterval = viewersInterval
        self.requestTimeout = requestTimeout
    }
}
