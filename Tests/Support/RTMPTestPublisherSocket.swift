import Glibc

/// A TCP connection where every call has a deadline, so a silent or stuck server fails a
/// test with a timeout instead of hanging it. Non-blocking underneath, waiting in `poll`.
/// Used from one thread at a time.
final class RTMPTestPublisherSocket {
    private var fd: Int32
    /// Bytes read so far (what RTMP acknowledgements count).
    private(set) var bytesReceived: UInt64 = 0
    /// When the peer's close (EOF or reset) was first seen, nil while it is open.
    private(set) var peerClosedAt: ContinuousClock.Instant?
    /// Whether the peer's close was a reset rather than an orderly FIN.
    private(set) var peerReset = false

    var isOpen: Bool { fd >= 0 }

    init(host: String, port: Int, timeout: Duration) throws {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &found)
        guard status == 0, let first = found else {
            throw RTMPTestPublisherError.socket("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(found) }

        let deadline = ContinuousClock.now + timeout
        var lastError = "no address for \(host)"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        fd = -1
        while let address = candidate {
            candidate = address.pointee.ai_next
            let attempt = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard attempt >= 0 else {
                lastError = "socket: \(Self.errorText())"
                continue
            }
            _ = fcntl(attempt, F_SETFL, fcntl(attempt, F_GETFL) | O_NONBLOCK)
            // Like encoders do: small control and command messages go out at once.
            var one: Int32 = 1
            _ = setsockopt(attempt, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            if connect(attempt, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                if Self.wait(attempt, for: Int16(POLLOUT), until: deadline) {
                    var failure: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    _ = getsockopt(attempt, SOL_SOCKET, SO_ERROR, &failure, &length)
                    if failure == 0 {
                        fd = attempt
                        return
                    }
                    lastError = "connect to \(host):\(port): \(String(cString: strerror(failure)))"
                } else {
                    Glibc.close(attempt)
                    throw RTMPTestPublisherError.timeout(waitingFor: "TCP connect to \(host):\(port)")
                }
            } else {
                lastError = "connect to \(host):\(port): \(Self.errorText())"
            }
            Glibc.close(attempt)
        }
        throw RTMPTestPublisherError.socket(lastError)
    }

    /// Sends all of `bytes` by `deadline`. A peer that has gone is `closedByServer(during:)`.
    func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant, during: String) throws {
        guard isOpen else { throw RTMPTestPublisherError.misuse("send on a closed connection (\(during))") }
        var offset = 0
        while offset < bytes.count {
            // MSG_NOSIGNAL: a peer that closed must be an error here, not a SIGPIPE that kills the test runner.
            let sent = bytes.withUnsafeBytes { buffer in
                Glibc.send(fd, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR:
                guard Self.wait(fd, for: Int16(POLLOUT), until: deadline) else {
                    throw RTMPTestPublisherError.timeout(
                        waitingFor: "the server to take \(bytes.count - offset) more bytes (\(during))")
                }
            case EPIPE, ECONNRESET:
                notePeerClosed(reset: errno == ECONNRESET)
                throw RTMPTestPublisherError.closedByServer(during: during)
            default:
                throw RTMPTestPublisherError.socket("send (\(during)): \(Self.errorText())")
            }
        }
    }

    /// Up to `maximum` bytes, waiting until `deadline` for at least one: nil when nothing came
    /// in time, empty when the peer has closed (its close time is then in `peerClosedAt`).
    func receive(maximum: Int = 65536, until deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        guard isOpen else { throw RTMPTestPublisherError.misuse("receive on a closed connection") }
        if peerClosedAt != nil { return [] }
        while true {
            var buffer = [UInt8](repeating: 0, count: maximum)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytesReceived += UInt64(count)
                return Array(buffer[0..<count])
            }
            if count == 0 {
                notePeerClosed(reset: false)
                return []
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR:
                guard Self.wait(fd, for: Int16(POLLIN), until: deadline) else { return nil }
            case ECONNRESET:
                notePeerClosed(reset: true)
                return []
            default:
                throw RTMPTestPublisherError.socket("recv: \(Self.errorText())")
            }
        }
    }

    /// Ends the sending direction (FIN) and keeps reading possible: a graceful close's first half.
    func shutdownWrite() {
        if isOpen { _ = shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes the connection; `reset` sends an RST instead of a FIN (linger 0), as a crashed
    /// host or a middlebox would.
    func close(reset: Bool = false) {
        guard isOpen else { return }
        if reset {
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        Glibc.close(fd)
        fd = -1
    }

    private func notePeerClosed(reset: Bool) {
        if peerClosedAt == nil {
            peerClosedAt = .now
            peerReset = reset
        }
    }

    /// Whether `fd` became ready for `events` (or failed, which the next call reports) by `deadline`.
    private static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - .now
            // Rounded up, so that a wait never ends just before its deadline.
            let milliseconds =
                left <= .zero
                ? 0 : Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0, errno == EINTR { continue }
            if left <= .zero || ready < 0 { return false }
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    deinit { close() }
}
