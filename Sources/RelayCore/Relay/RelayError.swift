/// A relay failure, classified so an operator can tell "your endpoint is broken" from
/// "the seller's stream is broken" from "relaygate is broken".
public struct RelayError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Class: String, Sendable, Codable, Hashable {
        /// The destination refused or dropped us (bad URL or key, platform down).
        case destination
        /// The input is gone or unreadable (seller left, bad media).
        case source
        /// Config that only fails at run time (an unresolved variable).
        case configuration
        /// Our own fault.
        case `internal`
    }

    public var errorClass: Class
    /// Safe to log: secrets are masked by whoever builds the message.
    public var message: String

    public init(_ errorClass: Class, _ message: String) {
        self.errorClass = errorClass
        self.message = message
    }

    public var description: String { "\(errorClass.rawValue): \(message)" }

    enum CodingKeys: String, CodingKey { case errorClass = "class", message }
}
