/// The RTMPS publish URL of a channel: `rtmps://<ingestEndpoint>:443/app/<stream key>`
/// (platforms.md §2.4). IVS gives a bare host name; an endpoint that already names a port
/// (a test's local server) keeps it. It prints with the key masked; `url` is for the
/// encoder only.
public struct IVSIngest: Sendable, Equatable, CustomStringConvertible {
    public var endpoint: String
    public var streamKey: IVSStreamKeyValue

    public init(endpoint: String, streamKey: IVSStreamKeyValue) {
        self.endpoint = endpoint
        self.streamKey = streamKey
    }

    /// Without the key: what to log or show.
    public var base: String {
        let parts = endpoint.split(separator: ":")
        let hasPort = parts.count == 2 && parts[1].allSatisfy(\.isNumber)
        return hasPort ? "rtmps://\(endpoint)/app/" : "rtmps://\(endpoint):443/app/"
    }
    /// With the key: secret.
    public var url: String { base + streamKey.revealed }
    public var description: String { base + "***" }
}
