/// Channel operations: create, read, list (to find channels left behind), delete.
extension IVSClient {
    /// Creates a channel; IVS makes its stream key at the same time. Retried only when
    /// throttled: a retried create could make a second channel.
    public func createChannel(_ spec: IVSChannelSpec) async throws -> IVSCreatedChannel {
        try spec.validate()
        return try await call("CreateChannel", spec, retry: .throttlingOnly)
    }

    public func getChannel(arn: String) async throws -> IVSChannel {
        struct Reply: Decodable { var channel: IVSChannel }
        let reply: Reply = try await call("GetChannel", ["arn": arn])
        return reply.channel
    }

    /// One page of channels; `filterByName` matches the name exactly.
    public func listChannels(filterByName: String? = nil, maxResults: Int? = nil, nextToken: String? = nil) async throws
        -> IVSChannelPage
    {
        struct Input: Encodable {
            var filterByName: String?
            var maxResults: Int?
            var nextToken: String?
        }
        if let maxResults, !(1...100).contains(maxResults) {
            throw IVSError.invalidRequest("maxResults must be 1–100, not \(maxResults)", operation: "ListChannels")
        }
        return try await call("ListChannels", Input(filterByName: filterByName, maxResults: maxResults, nextToken: nextToken))
    }

    /// Every channel, page after page.
    public func allChannels(filterByName: String? = nil) async throws -> [IVSChannelSummary] {
        var channels: [IVSChannelSummary] = []
        var token: String?
        repeat {
            let page = try await listChannels(filterByName: filterByName, nextToken: token)
            channels += page.channels
            token = page.nextToken.flatMap { $0.isEmpty ? nil : $0 }
        } while token != nil
        return channels
    }

    /// The channels carrying tag `key` (with `value`, if given): after a crash, the ones a
    /// gateway created and never deleted.
    public func channels(taggedWith key: String, value: String? = nil) async throws -> [IVSChannelSummary] {
        try await allChannels().filter { channel in
            guard let tag = channel.tags?[key] else { return false }
            return value == nil || tag == value
        }
    }

    /// Deletes the channel and its stream keys. A live channel is refused
    /// (`IVSError.Kind.conflict`): call `stopStream` first and wait until `getStream` says
    /// `.offline`.
    public func deleteChannel(arn: String) async throws {
        _ = try await callRaw("DeleteChannel", ["arn": arn])
    }
}
