public import Foundation

/// A relay's numbers at one moment: what the periodic log line and (later) the API show.
public struct RelayStats: Sendable, Codable, Hashable {
    public struct Input: Sendable, Codable, Hashable {
        public var packets: Int64 = 0
        public var bytes: Int64 = 0
        public var bitrateKbps: Double = 0
        public var fps: Double = 0
        /// Input the source dropped because the relay fell behind (see `MediaSource`).
        public var dropped: Int64 = 0
        public init() {}
    }

    public struct Output: Sendable, Codable, Hashable {
        public var name: String
        public var state: OutputState
        public var packets: Int64 = 0
        public var bytes: Int64 = 0
        public var bitrateKbps: Double = 0
        /// Packets dropped because this destination fell behind.
        public var dropped: Int64 = 0
        /// Connection attempts after the first one (reconnects and fail-fast retries).
        public var retries: Int = 0
        public var lastRetryAt: Date?
        /// When the current session was established; nil while not connected.
        public var connectedSince: Date?
        public var lastError: String?
        /// Whose fault `lastError` is: the destination's, the source's or ours.
        public var errorClass: RelayError.Class?

        public init(name: String, state: OutputState) {
            self.name = name
            self.state = state
        }
    }

    public var state: RelayState
    public var uptimeSeconds: Double = 0
    public var input = Input()
    public var outputs: [Output] = []
    /// What the transcoder does and why (e.g. auto passing through a compliant source).
    public var processing: String?
    public var lastError: String?

    public init(state: RelayState) { self.state = state }

    /// Sum of the outputs' bitrates.
    public var outputBitrateKbps: Double { outputs.reduce(0) { $0 + $1.bitrateKbps } }
}
