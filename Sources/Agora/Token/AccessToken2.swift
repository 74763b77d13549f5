import Foundation

/// An Agora AccessToken2 (version "007") under construction: who issued it, for how long,
/// and the services it grants. `build()` signs it with the app certificate.
public struct AccessToken2: Sendable, Equatable {
    public static let version = "007"

    public let appID: String
    /// Kept out of `description`s and errors; only `build()` reads it.
    let appCertificate: String
    /// Unix seconds.
    public let issueTs: UInt32
    /// Seconds after `issueTs` the token stays valid.
    public let expire: UInt32
    /// Random, so two tokens issued in the same second differ.
    public let salt: UInt32
    /// At most one per type, in ascending type order (the order they are signed in).
    public private(set) var services: [TokenService] = []

    public init(appID: String, appCertificate: String, issueTs: UInt32, expire: UInt32, salt: UInt32) {
        self.appID = appID
        self.appCertificate = appCertificate
        self.issueTs = issueTs
        self.expire = expire
        self.salt = salt
    }

    /// Grants RTC `privileges` (expiry in seconds each) in `channel` to `uid`, a decimal
    /// string or "" for any uid. Replaces an RTC service added before.
    public mutating func addRTC(channel: String, uid: String, privileges: [RTCPrivilege: UInt32]) {
        add(.rtc(channel: channel, uid: uid, privileges: privileges))
    }

    /// As the string form, with uid 0 written as "" (any uid), as Agora's builders do.
    public mutating func addRTC(channel: String, uid: UInt32, privileges: [RTCPrivilege: UInt32]) {
        addRTC(channel: channel, uid: uid == 0 ? "" : String(uid), privileges: privileges)
    }

    /// Grants RTM login as `userID`. Replaces an RTM service added before.
    public mutating func addRTM(userID: String, expire: UInt32) {
        add(.rtm(userID: userID, expire: expire))
    }

    /// "007" + base64(deflate(signature as a packed string + signing info)).
    public func build() throws(AgoraTokenError) -> String {
        guard Self.isCredential(appID) else { throw .invalidAppID }
        guard Self.isCredential(appCertificate) else { throw .invalidAppCertificate }
        guard !services.isEmpty else { throw .noService }
        let info = signingInfo()
        var payload = TokenWriter()
        payload.string(
            TokenSigner.signature(appCertificate: appCertificate, issueTs: issueTs, salt: salt, signingInfo: info))
        payload.raw(info)
        let compressed: [UInt8]
        do throws(ZlibError) {
            compressed = try Zlib.deflate(payload.bytes)
        } catch {
            throw .compression(error)
        }
        return Self.version + Data(compressed).base64EncodedString()
    }

    /// The bytes the signature covers.
    func signingInfo() -> [UInt8] {
        var writer = TokenWriter()
        writer.string(appID)
        writer.u32(issueTs)
        writer.u32(expire)
        writer.u32(salt)
        writer.u16(UInt16(services.count))
        for service in services { service.write(to: &writer) }
        return writer.bytes
    }

    private mutating func add(_ service: TokenService) {
        services.removeAll { $0.type == service.type }
        services.append(service)
        services.sort { $0.type < $1.type }
    }

    /// App IDs and certificates are 32 hex digits; anything else is a configuration mistake
    /// that Agora would only report later, as an invalid token.
    private static func isCredential(_ value: String) -> Bool {
        value.utf8.count == 32 && Hex.decode(value) != nil
    }
}
