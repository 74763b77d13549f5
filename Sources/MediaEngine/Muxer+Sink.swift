public import RelayCore

/// What sinks that write through a `Muxer` share: every libav failure is the destination's.
extension Muxer {
    /// `write`, with a failure classified as the destination's.
    public func writeToDestination(_ packet: MediaPacket) throws(RelayError) {
        do { try write(packet) } catch { throw error.relayError(.destination) }
    }

    /// `finish`, with a failure classified as the destination's.
    public func finishAtDestination() throws(RelayError) {
        do { try finish() } catch { throw error.relayError(.destination) }
    }
}

extension OutputPolicy {
    /// For outputs that write local files (`hls`, `file`): a path that cannot be made or
    /// written fails at once, as retrying does not fix permissions; a write that fails after
    /// a good start (a full disk) is retried with backoff until `giveUpAfter`, as space may
    /// be freed meanwhile.
    public static func localFiles(giveUpAfter: Duration) -> OutputPolicy {
        OutputPolicy(failFastAttempts: 1, backoff: .seconds(1), maxBackoff: .seconds(30), giveUpAfter: giveUpAfter)
    }
}
