extension FakeCloudflare {
    /// Which of the two hosts a request reached.
    public enum Host: Sendable, Equatable {
        /// `api.cloudflare.com/client/v4`.
        case api
        /// `customer-<code>.cloudflarestream.com`.
        case customerDomain
    }

    /// One request the fake received, with the status it answered.
    public struct Request: Sendable {
        public let host: Host
        public let method: String
        public let path: String
        public let query: String?
        public let headers: [(String, String)]
        public let body: [UInt8]
        public let status: Int

        /// The first header `name` (case-insensitive).
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }

        /// The body as JSON, nil if it is none.
        public var json: JSONValue? { JSONValue.parse(body) }
    }

    /// What the fake keeps of a live input.
    public struct StoredLiveInput: Sendable {
        public let uid: String
        public let streamKey: String
        public internal(set) var meta: JSONValue
        public internal(set) var recording: JSONValue
        public internal(set) var deleteRecordingAfterDays: JSONValue
        public internal(set) var enabled: Bool
        public internal(set) var live = false
        /// Set by `setLive(…, false)` after a broadcast: the status then says it disconnected.
        public internal(set) var wasLive = false
        public internal(set) var liveViewers = 0
        /// The current broadcast's video (lifecycle `videoUID`).
        public internal(set) var videoUID: String?
        public let created: String
        public internal(set) var modified: String
        /// Creation order.
        let sequence: Int
    }
}
