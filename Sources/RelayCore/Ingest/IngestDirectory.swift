public import Foundation

/// The gateway's ingest server as the supervisor drives it: which relay accepts publishers
/// on which key, and where each relay's worker reads their media. Implemented by the RTMP
/// ingest server; every method returns quickly and may be called from any thread.
public protocol IngestDirectory: Sendable {
    /// `rtmp://host:port`: where publishers connect (the configured public URL).
    var publicURL: String { get }
    /// `rtmps://host:port` when publishers may also connect with TLS; nil otherwise.
    var secureURL: String? { get }
    /// Accepts publishers on the registration's app and key from now on.
    func register(_ registration: IngestRegistration) throws(IngestConflict)
    /// Stops accepting publishers for `relay`; its publisher, if any, is disconnected.
    func unregister(relay: String)
    /// The relay's new worker reads its media from `descriptor`, one end of a socket pair
    /// whose ownership passes to the directory (it closes it). Replaces any earlier one.
    func attach(relay: String, descriptor: Int32)
    /// The relay's worker is gone: media waits (only codec configuration is kept) until
    /// the next `attach`.
    func detach(relay: String)
    /// Its endpoint and publisher now; nil for a relay that is not registered.
    func status(relay: String) -> IngestStatus?
}

/// Another relay already has this app and key.
public struct IngestConflict: Error, Sendable, Equatable, CustomStringConvertible {
    /// The relay holding the key.
    public var holder: String
    public var app: String

    public init(holder: String, app: String) {
        self.holder = holder
        self.app = app
    }

    public var description: String { "stream key in application \"\(app)\" is already used by relay \(holder)" }
}

/// A relay's ingest endpoint as the API shows it.
public struct IngestStatus: Sendable, Hashable, Codable {
    public struct Publisher: Sendable, Hashable, Codable {
        /// `ip:port`.
        public var address: String
        /// The client's `flashVer`.
        public var encoder: String?
        public var connectedSince: Date
        public var bytesIn: Int64
        /// Over the last second or so.
        public var bitrateKbps: Double
        /// Media messages dropped because the relay fell behind (or had no worker).
        public var dropped: Int64

        public init(
            address: String, encoder: String?, connectedSince: Date, bytesIn: Int64, bitrateKbps: Double, dropped: Int64
        ) {
            self.address = address
            self.encoder = encoder
            self.connectedSince = connectedSince
            self.bytesIn = bytesIn
            self.bitrateKbps = bitrateKbps
            self.dropped = dropped
        }
    }

    public var app: String
    /// Nil while waiting for a publisher.
    public var publisher: Publisher?
    /// Publishers refused on this key since the relay started (a second publisher without
    /// takeover).
    public var refused: Int64

    public init(app: String, publisher: Publisher?, refused: Int64 = 0) {
        self.app = app
        self.publisher = publisher
        self.refused = refused
    }
}
