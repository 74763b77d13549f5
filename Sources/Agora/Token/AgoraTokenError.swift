/// Why a token could not be built or read. No case carries the app certificate, so an
/// error can be printed or logged as it is.
public enum AgoraTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The app ID is not 32 hexadecimal characters.
    case invalidAppID
    /// The app certificate is not 32 hexadecimal characters.
    case invalidAppCertificate
    /// A token grants nothing without at least one service.
    case noService
    /// The token does not start with "007"; the associated value is what it starts with.
    case unsupportedVersion(String)
    /// A service type this package cannot decode (its layout depends on the type).
    case unsupportedService(UInt16)
    /// The token text or its payload is not a well-formed AccessToken2.
    case malformed(String)
    case compression(ZlibError)

    public var description: String {
        switch self {
        case .invalidAppID: "the Agora app ID must be 32 hexadecimal characters"
        case .invalidAppCertificate: "the Agora app certificate must be 32 hexadecimal characters"
        case .noService: "the token has no service (add RTC or RTM)"
        case .unsupportedVersion(let prefix): "not an AccessToken2: it starts with \"\(prefix)\", not \"007\""
        case .unsupportedService(let type): "the token has service type \(type), which is not RTC (1) or RTM (2)"
        case .malformed(let reason): "malformed AccessToken2: \(reason)"
        case .compression(let error): "AccessToken2 payload: \(error)"
        }
    }
}
