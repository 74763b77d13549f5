public import Foundation

/// RTC tokens as agora-token's `RtcTokenBuilder.buildTokenWithUid` makes them: the caller
/// gives relative expiries, the builder stamps the time and a random salt.
public enum RTCTokenBuilder {
    /// - Parameters:
    ///   - uid: 0 lets any uid join with the token.
    ///   - tokenExpire: Seconds from `now` until the token can no longer be used to join.
    ///   - privilegeExpire: Seconds from `now` until the privileges lapse; 0 means never.
    public static func build(
        appID: String, appCertificate: String, channel: String, uid: UInt32, role: RTCRole, tokenExpire: UInt32,
        privilegeExpire: UInt32, now: Date = Date()
    ) throws(AgoraTokenError) -> String {
        var token = AccessToken2(
            appID: appID, appCertificate: appCertificate,
            issueTs: UInt32(clamping: Int64(now.timeIntervalSince1970)), expire: tokenExpire,
            salt: UInt32.random(in: 1...99_999_999))
        let granted: [RTCPrivilege] =
            switch role {
            case .publisher: RTCPrivilege.allCases
            case .subscriber: [.joinChannel]
            }
        token.addRTC(
            channel: channel, uid: uid,
            privileges: Dictionary(uniqueKeysWithValues: granted.map { ($0, privilegeExpire) }))
        return try token.build()
    }
}
