/// A live input's connection status. The API documents a nullable string enum; some
/// clients in the wild see `{current: {state}}` instead (reference §1.3, unconfirmed), so
/// both decode, and anything else becomes `.other` rather than failing the whole answer.
public enum LiveInputStatus: Sendable, Equatable, Decodable {
    case connected
    case reconnected
    case reconnecting
    case clientDisconnect
    case ttlExceeded
    case failedToConnect
    case failedToReconnect
    case newConfigurationAccepted
    /// The object shape's `disconnected`.
    case disconnected
    /// A value this client does not know, as sent.
    case other(String)

    /// A broadcast is reaching Cloudflare now.
    public var isLive: Bool { self == .connected || self == .reconnected }

    public init(wireValue: String) {
        switch wireValue {
        case "connected": self = .connected
        case "reconnected": self = .reconnected
        case "reconnecting": self = .reconnecting
        case "client_disconnect": self = .clientDisconnect
        case "ttl_exceeded": self = .ttlExceeded
        case "failed_to_connect": self = .failedToConnect
        case "failed_to_reconnect": self = .failedToReconnect
        case "new_configuration_accepted": self = .newConfigurationAccepted
        case "disconnected": self = .disconnected
        default: self = .other(wireValue)
        }
    }

    private struct ObjectShape: Decodable {
        struct Current: Decodable { var state: String? }
        var current: Current?
    }

    /// A string, or `{current: {state}}`. Callers decode it with `decodeIfPresent` after a
    /// `null` check: a fresh input's `status` is `null`, and `{current: null}` means the same.
    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let text = try? single.decode(String.self) {
            self.init(wireValue: text)
        } else if let object = try? single.decode(ObjectShape.self), let state = object.current?.state {
            self.init(wireValue: state)
        } else {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "status is neither a string nor {current:{state}}")
        }
    }
}
