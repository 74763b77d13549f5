/// A TCP connection to an RTMP server for robustness tests: send any bytes (a malformed
/// handshake, a truncated chunk, garbage), read what comes back, see whether and when the
/// server closes. Every call has a timeout. Used from one thread at a time.
public final class RTMPTestPublisherRawConnection: @unchecked Sendable {
    // @unchecked: moved between threads (RTMPTestPublisherThread.run), never used by two at once.
    private let socket: RTMPTestPublisherSocket
    public let timeout: Duration
    /// Everything the server has sent so far.
    public private(set) var received: [UInt8] = []
    /// When this side last sent something, to tell how long the server took to close.
    public private(set) var lastSentAt: ContinuousClock.Instant?

    public init(host: String = "127.0.0.1", port: Int, timeout: Duration = .seconds(5)) throws {
        self.timeout = timeout
        socket = try RTMPTestPublisherSocket(host: host, port: port, timeout: timeout)
    }

    /// Connects to the host and port of an `rtmp://` URL.
    public convenience init(url: String, timeout: Duration = .seconds(5)) throws {
        let parsed = try RTMPTestPublisherURL(url)
        try self.init(host: parsed.host, port: parsed.port, timeout: timeout)
    }

    /// Whether the server closed the connection (seen by a read or a failed send).
    public var serverClosed: Bool { socket.peerClosedAt != nil }
    public var serverClosedAt: ContinuousClock.Instant? { socket.peerClosedAt }
    /// Whether that close was a reset (RST) rather than an orderly FIN.
    public var serverReset: Bool { socket.peerReset }

    /// Sends `bytes` as they are; throws `closedByServer` if the server has gone.
    public func send(_ bytes: [UInt8]) throws {
        try socket.send(bytes, until: .now + timeout, during: "a raw send")
        lastSentAt = .now
    }

    /// A correct handshake of `kind`, after which the test sends what it likes.
    public func handshake(_ kind: RTMPTestPublisherHandshake = .plain) throws {
        try kind.perform(on: socket, until: .now + timeout, requireEchoedS2: false)
        lastSentAt = .now
    }

    /// What the server sends within `duration` (less if it closes first).
    @discardableResult
    public func read(for duration: Duration) throws -> [UInt8] {
        let deadline = ContinuousClock.now + duration
        var bytes: [UInt8] = []
        while let more = try socket.receive(until: deadline), !more.isEmpty { bytes += more }
        received += bytes
        return bytes
    }

    /// Exactly `count` bytes from the server; throws on timeout or close before they came.
    public func read(exactly count: Int) throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        var bytes: [UInt8] = []
        while bytes.count < count {
            guard let more = try socket.receive(maximum: count - bytes.count, until: deadline) else {
                received += bytes
                throw RTMPTestPublisherError.timeout(waitingFor: "\(count) bytes (\(bytes.count) came)")
            }
            guard !more.isEmpty else {
                received += bytes
                throw RTMPTestPublisherError.closedByServer(during: "a read of \(count) bytes (\(bytes.count) came)")
            }
            bytes += more
        }
        received += bytes
        return bytes
    }

    /// Reads (and keeps) what the server sends until it closes, at most `timeout`; whether it closed.
    public func waitForClose(timeout: Duration) throws -> Bool {
        try read(for: timeout)
        return serverClosed
    }

    /// The messages in what the server has sent, read with chunk size `chunkSize` and then as
    /// the server's Set Chunk Size messages say. `handshake()` keeps S0, S1 and S2 out of
    /// `received`; after a handshake the test sent itself, skip them (`skipping: 3073`).
    public func messages(skipping prefix: Int = 0, chunkSize: Int = 128) throws -> [RTMPTestPublisherMessage] {
        var reader = RTMPTestPublisherChunkReader()
        reader.chunkSize = chunkSize
        reader.append(Array(received.dropFirst(prefix)))
        var messages: [RTMPTestPublisherMessage] = []
        while let message = try reader.next() {
            if message.type == RTMPTestPublisherMessage.setChunkSize, let size = message.uint32Payload, size > 0 {
                reader.chunkSize = Int(size & 0x7FFF_FFFF)
            }
            messages.append(message)
        }
        return messages
    }

    /// Closes this side; `reset` sends an RST instead of a FIN.
    public func close(reset: Bool = false) { socket.close(reset: reset) }
}
