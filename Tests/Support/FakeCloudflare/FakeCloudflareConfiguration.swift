extension FakeCloudflare {
    /// What a token may do, as the "Stream Write" / "Stream Read" permissions allow: list and
    /// get accept either, create, update and delete need Write (reference §1.1 and the API
    /// reference's "Accepted Permissions").
    public enum Permission: Sendable, Equatable {
        case streamWrite
        case streamRead
        /// A valid token for the account without any Stream permission: 403 everywhere.
        case none
    }

    /// How `status` is written in live input answers (reference §1.3: the documented string
    /// enum, or the `{current:{state}}` object some clients see).
    public enum StatusShape: Sendable, Equatable {
        case string
        case object
    }

    /// The account the fake serves and how it answers.
    public struct Configuration: Sendable {
        /// 32 hex characters, the path's `{account_id}`.
        public var accountID: String
        /// `customer-<code>`: only used in the URLs the fake writes (webRTC).
        public var customerCode: String
        /// Bearer tokens the fake accepts, with what each may do.
        public var tokens: [String: Permission]
        /// `rtmps.url` of every live input: point it at a local RTMP(S) ingest.
        public var ingestURL: String
        public var statusShape: StatusShape
        /// At most this many inputs per list answer (the API has no page parameter; see
        /// `LiveInputListing`).
        public var listLimit: Int

        public init(
            accountID: String = "023e105f4ecef8ad9ca31a8372d0c353", customerCode: String = "fake0customer0code",
            tokens: [String: Permission] = [Self.writeToken: .streamWrite, Self.readToken: .streamRead, Self.noStreamToken: .none],
            ingestURL: String = "rtmps://127.0.0.1:1935/live/", statusShape: StatusShape = .string, listLimit: Int = 1000
        ) {
            self.accountID = accountID
            self.customerCode = customerCode
            self.tokens = tokens
            self.ingestURL = ingestURL
            self.statusShape = statusShape
            self.listLimit = listLimit
        }

        public static let writeToken = "fake-token-stream-write-0123456789"
        public static let readToken = "fake-token-stream-read-0123456789"
        public static let noStreamToken = "fake-token-no-stream-0123456789"
    }
}
