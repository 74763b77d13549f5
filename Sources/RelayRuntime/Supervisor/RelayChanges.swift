/// What applying a configuration did to the running relays: the reload's log line.
public struct RelayChanges: Sendable, Equatable, CustomStringConvertible {
    public var unchanged = 0
    public var restarted = 0
    public var stopped = 0
    public var started = 0

    public init() {}

    public var description: String {
        "\(unchanged) unchanged, \(restarted) restarted, \(stopped) stopped, \(started) started"
    }
}
