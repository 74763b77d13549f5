/// One service an AccessToken2 grants, and its place in the token's bytes.
public enum TokenService: Sendable, Equatable {
    /// RTC, type 1: rights in one channel for one uid, written as a decimal string; ""
    /// lets any uid join.
    case rtc(channel: String, uid: String, privileges: [RTCPrivilege: UInt32])
    /// RTM, type 2: login as `userID` for `expire` seconds (0 = no expiry).
    case rtm(userID: String, expire: UInt32)

    /// The wire type; a token lists its services in ascending type order.
    var type: UInt16 {
        switch self {
        case .rtc: 1
        case .rtm: 2
        }
    }

    /// The RTM service's only privilege key.
    private static let rtmLogin: UInt16 = 1

    func write(to writer: inout TokenWriter) {
        writer.u16(type)
        switch self {
        case .rtc(let channel, let uid, let privileges):
            writer.map(Dictionary(uniqueKeysWithValues: privileges.map { ($0.key.rawValue, $0.value) }))
            writer.string(channel)
            writer.string(uid)
        case .rtm(let userID, let expire):
            writer.map([Self.rtmLogin: expire])
            writer.string(userID)
        }
    }

    static func read(from reader: inout TokenReader) throws(AgoraTokenError) -> TokenService {
        switch try reader.u16("service type") {
        case 1:
            var privileges: [RTCPrivilege: UInt32] = [:]
            for (key, value) in try reader.map("RTC privileges") {
                guard let privilege = RTCPrivilege(rawValue: key) else {
                    throw .malformed("unknown RTC privilege \(key)")
                }
                privileges[privilege] = value
            }
            let channel = try reader.string("RTC channel")
            return .rtc(channel: channel, uid: try reader.string("RTC uid"), privileges: privileges)
        case 2:
            let privileges = try reader.map("RTM privileges")
            guard let expire = privileges[rtmLogin], privileges.count == 1 else {
                throw .malformed("RTM privileges must be exactly {1: login}, got keys \(privileges.keys.sorted())")
            }
            return .rtm(userID: try reader.string("RTM user ID"), expire: expire)
        case let other:
            throw .unsupportedService(other)
        }
    }
}
