import Foundation
import Testing

@testable import Agora

/// Against the official vectors of agora-token's AccessToken2Test.js. Tokens are compared by
/// their decompressed payload: the deflate bytes depend on the zlib build.
@Suite struct AccessToken2Tests {
    static let appID = "970CA35de60c44645bbae8a215061b33"
    static let appCertificate = "5CFd2fd1755d40ecb72977518be15d3b"
    static let channel = "7d72365eb983485397e3e3f9d460bdda"
    static let uid = "2882341273"

    static let rtcToken =
        "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj"
    static let rtcAnyUIDToken =
        "007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo="
    static let rtcAndRTMToken =
        "007eJxTYOAQsrQ5s3TfH+1tvy8zZZ46EpCc0V43JXdGd2jS8porKo4KDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBmaGScbG7l8EGCKYGBgYGRgYmBgYGVgYGMF8JjDJDCZZwKQCg3mKuZGxmWlqkqWFsYmFqbGleapxqnGaZYqJmUFSSkoiF4ORhYWRsYmhkbkxyCyISZwMJanFJfGlxalFACKnKng="

    static let allPrivileges: [RTCPrivilege: UInt32] = [
        .joinChannel: 600, .publishAudio: 600, .publishVideo: 600, .publishData: 600,
    ]

    static func vectorToken() -> AccessToken2 {
        AccessToken2(appID: appID, appCertificate: appCertificate, issueTs: 1_111_111, expire: 600, salt: 1)
    }

    @Test func rtcVectorWithStringUID() throws {
        var token = Self.vectorToken()
        token.addRTC(channel: Self.channel, uid: Self.uid, privileges: [.joinChannel: 600])
        #expect(try AccessToken2.payload(of: token.build()) == AccessToken2.payload(of: Self.rtcToken))
    }

    @Test func rtcVectorWithNumericUID() throws {
        var token = Self.vectorToken()
        token.addRTC(channel: Self.channel, uid: UInt32(Self.uid)!, privileges: [.joinChannel: 600])
        #expect(try AccessToken2.payload(of: token.build()) == AccessToken2.payload(of: Self.rtcToken))
    }

    @Test func rtcVectorForAnyUID() throws {
        var token = Self.vectorToken()
        token.addRTC(channel: Self.channel, uid: 0, privileges: [.joinChannel: 600])
        #expect(try AccessToken2.payload(of: token.build()) == AccessToken2.payload(of: Self.rtcAnyUIDToken))
    }

    @Test func rtcAndRTMVector() throws {
        var token = Self.vectorToken()
        // Added out of type order: the token still lists RTC (1) before RTM (2).
        token.addRTM(userID: "test_user", expire: 600)
        token.addRTC(channel: Self.channel, uid: Self.uid, privileges: Self.allPrivileges)
        #expect(try AccessToken2.payload(of: token.build()) == AccessToken2.payload(of: Self.rtcAndRTMToken))
    }

    @Test func parsesTheOfficialTokens() throws {
        let rtc = try AccessToken2.parse(Self.rtcToken)
        #expect(rtc.appID == Self.appID)
        #expect(rtc.issueTs == 1_111_111 && rtc.expire == 600 && rtc.salt == 1)
        #expect(rtc.services == [.rtc(channel: Self.channel, uid: Self.uid, privileges: [.joinChannel: 600])])
        #expect(rtc.signature.count == 32)

        let anyUID = try AccessToken2.parse(Self.rtcAnyUIDToken)
        #expect(anyUID.services == [.rtc(channel: Self.channel, uid: "", privileges: [.joinChannel: 600])])

        let both = try AccessToken2.parse(Self.rtcAndRTMToken)
        #expect(
            both.services == [
                .rtc(channel: Self.channel, uid: Self.uid, privileges: Self.allPrivileges),
                .rtm(userID: "test_user", expire: 600),
            ])
    }

    @Test(arguments: [rtcToken, rtcAnyUIDToken, rtcAndRTMToken])
    func officialTokensVerifyOnlyWithTheirCertificate(_ token: String) throws {
        let parsed = try AccessToken2.parse(token)
        #expect(parsed.verifies(appCertificate: Self.appCertificate))
        #expect(!parsed.verifies(appCertificate: "5CFd2fd1755d40ecb72977518be15d3c"))
        #expect(!parsed.verifies(appCertificate: Self.appCertificate.lowercased()))
    }

    @Test func builtTokenParsesBackAndVerifies() throws {
        var token = AccessToken2(
            appID: Self.appID, appCertificate: Self.appCertificate, issueTs: 1_700_000_000, expire: 3600,
            salt: 99_999_999)
        token.addRTC(channel: "shop-42", uid: 7, privileges: [.joinChannel: 3600, .publishVideo: 0])
        let parsed = try AccessToken2.parse(try token.build())
        #expect(parsed.appID == Self.appID && parsed.issueTs == 1_700_000_000 && parsed.salt == 99_999_999)
        #expect(parsed.services == token.services)
        #expect(parsed.verifies(appCertificate: Self.appCertificate))
    }

    @Test func addingAServiceAgainReplacesIt() {
        var token = Self.vectorToken()
        token.addRTC(channel: "a", uid: "1", privileges: [.joinChannel: 1])
        token.addRTC(channel: "b", uid: "2", privileges: [.joinChannel: 2])
        #expect(token.services == [.rtc(channel: "b", uid: "2", privileges: [.joinChannel: 2])])
    }

    @Test func builderGivesPublishersEveryPrivilegeAndSubscribersJoinOnly() throws {
        let now = Date(timeIntervalSince1970: 1_750_000_000)
        let publisher = try AccessToken2.parse(
            RTCTokenBuilder.build(
                appID: Self.appID, appCertificate: Self.appCertificate, channel: "live", uid: 1234,
                role: .publisher, tokenExpire: 3600, privilegeExpire: 1800, now: now))
        #expect(publisher.issueTs == 1_750_000_000 && publisher.expire == 3600)
        #expect((1...99_999_999).contains(publisher.salt))
        #expect(
            publisher.services == [
                .rtc(
                    channel: "live", uid: "1234",
                    privileges: [.joinChannel: 1800, .publishAudio: 1800, .publishVideo: 1800, .publishData: 1800])
            ])
        #expect(publisher.verifies(appCertificate: Self.appCertificate))

        let subscriber = try AccessToken2.parse(
            RTCTokenBuilder.build(
                appID: Self.appID, appCertificate: Self.appCertificate, channel: "live", uid: 1234,
                role: .subscriber, tokenExpire: 3600, privilegeExpire: 0, now: now))
        #expect(subscriber.services == [.rtc(channel: "live", uid: "1234", privileges: [.joinChannel: 0])])
    }

    @Test func uidZeroMeansAnyUID() throws {
        let parsed = try AccessToken2.parse(
            RTCTokenBuilder.build(
                appID: Self.appID, appCertificate: Self.appCertificate, channel: "live", uid: 0, role: .publisher,
                tokenExpire: 60, privilegeExpire: 60))
        guard case .rtc(_, let uid, _) = parsed.services.first else {
            Issue.record("no RTC service in \(parsed.services)")
            return
        }
        #expect(uid == "")
    }

    @Test(arguments: [
        "", "970CA35de60c44645bbae8a215061b3", "970CA35de60c44645bbae8a215061b333", "970CA35de60c44645bbae8a215061bzz",
    ])
    func badAppIDIsRefused(_ appID: String) {
        #expect(throws: AgoraTokenError.invalidAppID) {
            try RTCTokenBuilder.build(
                appID: appID, appCertificate: Self.appCertificate, channel: "c", uid: 1, role: .publisher,
                tokenExpire: 60, privilegeExpire: 60)
        }
    }

    @Test(arguments: ["", "5CFd2fd1755d40ecb72977518be15d3", "5CFd2fd1755d40ecb72977518be15d3g"])
    func badCertificateIsRefusedWithoutShowingIt(_ certificate: String) {
        let error = #expect(throws: AgoraTokenError.invalidAppCertificate) {
            try RTCTokenBuilder.build(
                appID: Self.appID, appCertificate: certificate, channel: "c", uid: 1, role: .publisher,
                tokenExpire: 60, privilegeExpire: 60)
        }
        #expect(error.map { "\($0)".contains("32 hexadecimal") } == true)
        if !certificate.isEmpty { #expect(error.map { "\($0)".contains(certificate) } == false) }
    }

    @Test func tokenWithoutServicesIsRefused() {
        #expect(throws: AgoraTokenError.noService) { try Self.vectorToken().build() }
    }

    @Test func parseRejectsOtherVersionsAndDamage() {
        #expect(throws: AgoraTokenError.unsupportedVersion("006")) { try AccessToken2.parse("006abc") }
        #expect(throws: AgoraTokenError.malformed("not base64 after \"007\"")) { try AccessToken2.parse("007!!!!") }
        let error = #expect(throws: AgoraTokenError.self) {
            try AccessToken2.parse("007" + Data("plain".utf8).base64EncodedString())
        }
        guard case .compression(let zlib) = error else {
            Issue.record("expected a zlib error, got \(String(describing: error))")
            return
        }
        #expect(zlib.message == "incorrect header check")
    }

    @Test func parseNamesTheFieldWhereThePayloadEnds() throws {
        var token = Self.vectorToken()
        token.addRTC(channel: Self.channel, uid: Self.uid, privileges: [.joinChannel: 600])
        let payload = try AccessToken2.payload(of: token.build())
        // Cut inside the issueTs: signature (2 + 32) + app ID (2 + 32) + 2 of its 4 bytes.
        let cut = Array(payload.prefix(2 + 32 + 2 + 32 + 2))
        #expect(throws: AgoraTokenError.malformed("payload ends inside issueTs")) {
            try AccessToken2.parse(Self.encode(cut))
        }
    }

    /// A token around an arbitrary payload.
    static func encode(_ payload: [UInt8]) throws -> String {
        try "007" + Data(Zlib.deflate(payload)).base64EncodedString()
    }
}
