
/// A relay is one route serving one channel.
public struct RelayKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var route: String
    public var channel: String

    public init(route: String, channel: String) {
        self.route = route
        self.channel = channel
    }

    public init(_ spec: RelaySpec) { self.init(route: spec.route, channel: spec.channel) }

    public var description: String { "\(route)/\(channel)" }

    public static func < (lhs: RelayKey, rhs: RelayKey) -> Bool { (lhs.route, lhs.channel) < (rhs.route, rhs.channel) }
}
