/// An HTTP request as it goes on the wire, before signing.
public struct SigV4Request: Sendable {
    public var method: String
    /// The path as written in the request line (already percent-encoded where the protocol
    /// says so); the signer encodes it once more, as SigV4 does for every service but S3.
    public var path: String
    /// The query string as sent, without `?` ("" for none).
    public var query: String
    /// Every header to sign, `host` included, names in any case. Headers not listed here are
    /// not signed (a proxy may change them).
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}
