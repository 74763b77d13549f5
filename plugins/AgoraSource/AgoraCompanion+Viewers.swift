import Agora
import Logging
import RelayCore
import Synchronization

/// Each agora relay's channel audience, read from Agora's channel user list every
/// `viewersInterval`; the supervisor puts it in the relay's status and in
/// stream_metrics.agora_viewers.
extension AgoraCompanion {
    /// Runs until the task is cancelled; does nothing when `viewersInterval` is zero.
    func countViewersPeriodically() async {
        guard account.viewersInterval > .zero else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: account.viewersInterval)
            let channels = state.withLock { state in Dictionary(grouping: state.attached.values, by: \.channel) }
            for (channel, relays) in channels {
                do {
                    let users = try await client.channelUsers(channel, logger: logger)
                    for relay in relays { relay.cell.update { $0.viewers = users.audience } }
                } catch {
                    // Counting is best effort (its rate limit is per account): keep the last count.
                    logger.debug("agora viewer count of \(channel) failed: \(error)")
                }
            }
        }
    }
}
