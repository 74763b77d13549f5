public import Foundation

/// The channel user list (`GET /dev/v1/channel/user/{appid}/{channel}`) in the live profile:
/// who broadcasts and how many watch. A channel that does not exist has nobody.
public struct ChannelUsers: Sendable, Equatable {
    public var exists: Bool
    public var broadcasters: [UInt32]
    /// `audience_total`: every audience member, not just the first 10,000 listed.
    public var audience: Int

    public static func decode(_ data: Data) throws -> ChannelUsers {
        let object = try AgoraJSON.object(data)
        guard let body = object["data"] as? [String: Any] else {
            throw AgoraJSON.Malformed(message: "channel user list has no \"data\"")
        }
        guard (body["channel_exist"] as? Bool) == true else { return ChannelUsers(exists: false, broadcasters: [], audience: 0) }
        let broadcasters = (body["broadcasters"] as? [Any] ?? []).compactMap { AgoraJSON.int($0).map { UInt32(truncatingIfNeeded: $0) } }
        let listed = (body["audience"] as? [Any])?.count ?? 0
        let audience = AgoraJSON.int(body["audience_total"]).map(Int.init) ?? listed
        return ChannelUsers(exists: true, broadcasters: broadcasters, audience: audience)
    }
}
