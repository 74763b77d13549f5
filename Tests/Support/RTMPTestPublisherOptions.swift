/// How the publisher connects: handshake, outgoing chunk size, timeouts, what it calls itself.
public struct RTMPTestPublisherOptions: Sendable {
    public var handshake: RTMPTestPublisherHandshake
    /// With `.plain`: fail unless S2 echoes C1 (time and random bytes), as the specification asks.
    public var requireEchoedS2: Bool
    /// The chunk size this side sends with; announced with Set Chunk Size first when not 128.
    public var chunkSize: Int
    /// False: every message starts with a full fmt 0 header instead of the smallest one.
    public var compressHeaders: Bool
    /// The limit on every blocking step (TCP connect, handshake, each command's reply, each send).
    public var timeout: Duration
    /// `flashVer` of `connect` (an encoder's name; ffmpeg sends "FMLE/3.0 (compatible; Lavf…)").
    public var flashVersion: String

    public init(
        handshake: RTMPTestPublisherHandshake = .plain, requireEchoedS2: Bool = false, chunkSize: Int = 128,
        compressHeaders: Bool = true, timeout: Duration = .seconds(10),
        flashVersion: String = "FMLE/3.0 (compatible; relaygate RTMPTestPublisher)"
    ) {
        precondition((1...0x7FFF_FFFF).contains(chunkSize), "RTMP chunk sizes are 1…2^31-1")
        self.handshake = handshake
        self.requireEchoedS2 = requireEchoedS2
        self.chunkSize = chunkSize
        self.compressHeaders = compressHeaders
        self.timeout = timeout
        self.flashVersion = flashVersion
    }
}
