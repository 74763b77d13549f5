/// Why the test publisher (or a raw connection) stopped: each case says what a test would
/// want to assert on, and its description says what was going on at the time.
public enum RTMPTestPublisherError: Error, Equatable, CustomStringConvertible {
    /// Nothing arrived (or could be sent) within the timeout while waiting for `waitingFor`.
    case timeout(waitingFor: String)
    /// The server closed the connection (EOF or reset) while the client was `during`.
    case closedByServer(during: String)
    /// The server's handshake reply did not verify (version byte, S1 digest, S2 signature or echo).
    case handshakeFailed(String)
    /// The server answered a command with `_error` (connect, createStream).
    case commandFailed(command: String, code: String, description: String)
    /// The server sent bytes that are not RTMP as the client understands it.
    case protocolViolation(String)
    /// A socket call failed (connection refused, unknown host, …).
    case socket(String)
    /// The URL is not `rtmp://host[:port]/app/stream`.
    case invalidURL(String)
    /// The FLV file is not one (bad header, truncated tag, wrong previous-tag size).
    case invalidFLV(String)
    /// The call does not fit the session's state (publish before connect, say).
    case misuse(String)

    public var description: String {
        switch self {
        case .timeout(let what): "RTMP test publisher: timed out waiting for \(what)"
        case .closedByServer(let what): "RTMP test publisher: the server closed the connection during \(what)"
        case .handshakeFailed(let why): "RTMP test publisher: handshake failed: \(why)"
        case .commandFailed(let command, let code, let text): "RTMP test publisher: \(command) failed: \(code) (\(text))"
        case .protocolViolation(let why): "RTMP test publisher: protocol violation from the server: \(why)"
        case .socket(let why): "RTMP test publisher: socket: \(why)"
        case .invalidURL(let url): "RTMP test publisher: not an rtmp://host[:port]/app/stream URL: \(url)"
        case .invalidFLV(let why): "RTMP test publisher: invalid FLV: \(why)"
        case .misuse(let why): "RTMP test publisher: \(why)"
        }
    }
}
