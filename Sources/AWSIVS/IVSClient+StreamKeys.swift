/// Stream keys. A channel has at most one (CreateChannel already made it); to rotate,
/// delete it, then create another.
extension IVSClient {
    public func getStreamKey(arn: String) async throws -> IVSStreamKey {
        struct Reply: Decodable { var streamKey: IVSStreamKey }
        let reply: Reply = try await call("GetStreamKey", ["arn": arn])
        return reply.streamKey
    }

    /// The channel's keys without their values (`getStreamKey` has them).
    public func listStreamKeys(channelArn: String) async throws -> [IVSStreamKeySummary] {
        struct Input: Encodable {
            var channelArn: String
            var nextToken: String?
        }
        struct Reply: Decodable {
            var streamKeys: [IVSStreamKeySummary]
            var nextToken: String?
        }
        var keys: [IVSStreamKeySummary] = []
        var token: String?
        repeat {
            let reply: Reply = try await call("ListStreamKeys", Input(channelArn: channelArn, nextToken: token))
            keys += reply.streamKeys
            token = reply.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return keys
    }

    /// Fails with `.quotaExceeded` while the channel still has a key. Retried only when
    /// throttled, like CreateChannel.
    public func createStreamKey(channelArn: String, tags: [String: String] = [:]) async throws -> IVSStreamKey {
        struct Input: Encodable {
            var channelArn: String
            var tags: [String: String]?
        }
        struct Reply: Decodable { var streamKey: IVSStreamKey }
        let reply: Reply = try await call(
            "CreateStreamKey", Input(channelArn: channelArn, tags: tags.isEmpty ? nil : tags), retry: .throttlingOnly)
        return reply.streamKey
    }

    /// Revokes the key: an encoder using it cannot reconnect.
    public func deleteStreamKey(arn: String) async throws {
        _ = try await callRaw("DeleteStreamKey", ["arn": arn])
    }
}
