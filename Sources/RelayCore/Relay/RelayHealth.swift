/// How a relay looks to a buyer, in three words the API and the database share.
///
/// - `poor`: the relay is not active (starting, reconnecting, failed …), or no output is active.
/// - `fair`: active, but part of it is degraded: an output is not active, an output dropped
///   packets since the previous assessment, or the input runs below 20 fps.
/// - `good`: active, every output active, nothing dropped, input at 20 fps or more.
public enum RelayHealth: String, Sendable, Codable, Hashable {
    case good, fair, poor

    /// `droppedBefore`: the outputs' total drop count at the previous assessment.
    public static func assess(_ stats: RelayStats, droppedBefore: Int64 = 0) -> RelayHealth {
        guard stats.state == .active, stats.outputs.contains(where: { $0.state == .active }) else { return .poor }
        let dropped = stats.outputs.reduce(0) { $0 + $1.dropped }
        if stats.outputs.contains(where: { $0.state != .active }) || dropped > droppedBefore || stats.input.fps < 20 {
            return .fair
        }
        return .good
    }
}
