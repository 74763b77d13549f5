/// The live stream of a channel: its state, health and viewers, and stopping it.
extension IVSClient {
    /// `.live` with health and viewers, or `.offline` (IVS's ChannelNotBroadcasting). A
    /// viewer count of -1 (IVS's "timed out") is asked again per the retry policy and never
    /// reported as a count: if every try says -1, `viewerCount` is nil.
    public func getStream(channelArn: String) async throws -> IVSStreamStatus {
        let policy = configuration.retry
        var attempt = 1
        while true {
            let reply: IVSStreamReply
            do {
                reply = try await call("GetStream", ["channelArn": channelArn])
            } catch let error as IVSError where error.kind == .offline {
                return .offline
            }
            guard reply.countTimedOut, attempt < policy.maxAttempts else { return reply.status }
            try await policy.clock.sleep(for: policy.delay(after: attempt))
            attempt += 1
        }
    }

    /// Disconnects the encoder; returns whether a stream was live. Encoders reconnect on
    /// their own: to stop for good, delete the stream key or the channel too.
    @discardableResult
    public func stopStream(channelArn: String) async throws -> Bool {
        do {
            _ = try await callRaw("StopStream", ["channelArn": channelArn])
            return true
        } catch let error as IVSError where error.kind == .offline {
            return false
        }
    }
}
