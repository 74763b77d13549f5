import Glibc
import RelayCore

/// The listening unix stream socket of the `socket` variant, at a path relaygate owns:
/// a stale socket file there (from an earlier run) is replaced, anything else is refused,
/// and the file is removed when the listener goes away. Unlike a FIFO, a missing socket
/// path makes a writer's `connect` fail instead of creating a file, so removing is safe.
final class UnixListener: Sendable {
    let fd: FileDescriptor
    let path: String

    init(path: String) throws(RelayError) {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw RelayError(.source, "rawpipe: \(path) exists and is not a unix socket")
            }
            guard unlink(path) == 0 else { throw SystemCall.error("unlink \(path)") }
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else {
            throw RelayError(.source, "rawpipe: socket path \(path) is longer than \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let raw = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard raw >= 0 else { throw SystemCall.error("socket") }
        fd = FileDescriptor(adopting: raw)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(raw, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw SystemCall.error("bind \(path)") }
        self.path = path
        // From here on the file is ours (deinit removes it), so errors below still clean up.
        guard chmod(path, FIFO.mode) == 0 else { throw SystemCall.error("chmod \(path)") }
        guard listen(raw, 1) == 0 else { throw SystemCall.error("listen \(path)") }
    }

    /// Waits up to `pollMs` for a writer; returns its connection (non-blocking), or nil.
    func accept(pollMs: Int32) throws(RelayError) -> FileDescriptor? {
        guard try fd.waitReadable(timeoutMs: pollMs) else { return nil }
        let raw = Glibc.accept(fd.raw, nil, nil)
        guard raw >= 0 else {
            if [EAGAIN, EINTR, ECONNABORTED].contains(errno) { return nil }
            throw SystemCall.error("accept on \(path)")
        }
        let connection = FileDescriptor(adopting: raw)
        // Reads must never block, so that stopping the relay is noticed between polls.
        guard fcntl(raw, F_SETFL, fcntl(raw, F_GETFL) | O_NONBLOCK) == 0 else { throw SystemCall.error("fcntl") }
        return connection
    }

    deinit { unlink(path) }
}
