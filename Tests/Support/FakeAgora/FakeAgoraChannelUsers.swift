import Synchronization

/// The channel user list (reference §3.1), live-broadcasting profile: who broadcasts, and
/// the audience a test set with `setAudience`.
extension FakeAgora {
    /// The list holds the first 10,000 audience members.
    static let audienceListLimit = 10_000
    /// Audience uids are made up, from here on, clear of any seller's.
    static let firstAudienceUid: Int64 = 3_000_000_000

    /// For the channel user-list API.
    public func setAudience(channel: String, count: Int) {
        state.withLock { $0.audience[channel] = max(0, count) }
    }

    func channelUsers(_ channel: String, hostsOnly: Bool) -> FakeAgoraOutcome {
        let (broadcasters, audience) = state.withLock { state in
            (state.broadcasting(in: channel).sorted(), state.audience[channel, default: 0])
        }
        // With channel_exist false no other field is returned.
        guard !broadcasters.isEmpty || audience > 0 else {
            return .json(200, ["success": true, "data": ["channel_exist": false]])
        }
        var data: JSONValue = [
            "channel_exist": true, "mode": 2, "broadcasters": .array(broadcasters.map { .int(Int64($0)) }),
        ]
        if !hostsOnly {
            let listed = (0..<Int64(min(audience, Self.audienceListLimit))).map { JSONValue.int(Self.firstAudienceUid + $0) }
            data = data.setting("audience", .array(listed)).setting("audience_total", .int(Int64(audience)))
        }
        return .json(200, ["success": true, "data": data])
    }
}
