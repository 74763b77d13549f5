/// The parts of `rtmp://host[:port]/app[/instance]/stream[?query]` a publisher needs: where to
/// connect, the `app` and `tcUrl` of `connect`, and the stream name of `publish`.
///
/// The stream name is the last path segment, with the query (which servers read as
/// stream-key parameters); the app is everything before it, as OBS joins a server URL and a
/// stream key. (ffmpeg takes only the first segment as the app; where that matters, build the
/// parts with `init(host:port:app:streamName:)`.)
public struct RTMPTestPublisherURL: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var app: String
    public var streamName: String

    /// `rtmp://host:port/app`, the `tcUrl` of `connect`.
    public var tcUrl: String { "rtmp://\(host.contains(":") ? "[\(host)]" : host):\(port)/\(app)" }

    public init(host: String, port: Int = 1935, app: String, streamName: String) {
        self.host = host
        self.port = port
        self.app = app
        self.streamName = streamName
    }

    public init(_ url: String) throws {
        guard url.lowercased().hasPrefix("rtmp://") else { throw RTMPTestPublisherError.invalidURL(url) }
        let rest = url.dropFirst("rtmp://".count)
        // The query may itself contain '/', so split the path only up to it.
        let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
        let beforeQuery = rest[..<queryStart]
        guard let pathStart = beforeQuery.firstIndex(of: "/") else { throw RTMPTestPublisherError.invalidURL(url) }
        let authority = beforeQuery[..<pathStart]
        let segments = beforeQuery[beforeQuery.index(after: pathStart)...].split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2, segments.allSatisfy({ !$0.isEmpty }) else { throw RTMPTestPublisherError.invalidURL(url) }

        var hostPart = Substring(authority)
        var port = 1935
        if hostPart.hasPrefix("["), let close = hostPart.firstIndex(of: "]") {
            // [IPv6]:port
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { throw RTMPTestPublisherError.invalidURL(url) }
                port = number
            }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            guard let number = Int(hostPart[hostPart.index(after: colon)...]) else {
                throw RTMPTestPublisherError.invalidURL(url)
            }
            port = number
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty, (1...65535).contains(port) else { throw RTMPTestPublisherError.invalidURL(url) }

        host = String(hostPart)
        self.port = port
        app = segments.dropLast().joined(separator: "/")
        streamName = String(segments.last!) + rest[queryStart...]
    }
}
