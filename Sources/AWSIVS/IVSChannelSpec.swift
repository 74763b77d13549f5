/// CreateChannel's input, checked against the IVS model's limits before anything is sent
/// (a name IVS would refuse fails here with a clear message instead of a 400 later).
public struct IVSChannelSpec: Sendable, Equatable, Encodable {
    /// 0–128 characters of `[a-zA-Z0-9-_]`.
    public var name: String
    public var latencyMode: IVSLatencyMode
    public var type: IVSChannelType
    /// Up to 50; key 1–128 characters, value up to 256. Tag every channel with its relay, so
    /// channels left behind by a crash can be found with `channels(taggedWith:)`.
    public var tags: [String: String]
    /// Plain RTMP/SRT ingest besides RTMPS; off, as IVS defaults.
    public var insecureIngest: Bool?
    /// Viewers need a playback token; off, as IVS defaults.
    public var authorized: Bool?

    public init(
        name: String, latencyMode: IVSLatencyMode = .low, type: IVSChannelType = .standard, tags: [String: String] = [:],
        insecureIngest: Bool? = nil, authorized: Bool? = nil
    ) {
        self.name = name
        self.latencyMode = latencyMode
        self.type = type
        self.tags = tags
        self.insecureIngest = insecureIngest
        self.authorized = authorized
    }

    func validate() throws {
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && (("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
        guard name.count <= 128, allowed else {
            throw IVSError.invalidRequest(
                "the channel name \"\(name)\" must be at most 128 of a-z, A-Z, 0-9, - and _", operation: "CreateChannel")
        }
        guard tags.count <= 50 else { throw IVSError.invalidRequest("at most 50 tags, not \(tags.count)", operation: "CreateChannel") }
        for (key, value) in tags where key.isEmpty || key.count > 128 || value.count > 256 {
            throw IVSError.invalidRequest(
                "the tag \"\(key)\" needs a key of 1–128 characters and a value of at most 256", operation: "CreateChannel")
        }
    }
}
