import Glibc
import RelayCore

/// An open file descriptor, closed exactly once: when the value goes away. Noncopyable, so
/// no second owner can close it (or read from a number the kernel has since reused).
struct FileDescriptor: ~Copyable, Sendable {
    let raw: Int32

    /// Opens `path` without blocking: a FIFO opened for reading this way does not wait for
    /// a writer, so a stopping relay is never stuck in `open(2)`.
    init(openForReading path: String) throws(RelayError) {
        let fd = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw SystemCall.error("open \(path)") }
        raw = fd
    }

    init(adopting raw: Int32) { self.raw = raw }

    /// Waits up to `timeoutMs` for input (or a hang-up). True when there is something to
    /// read: data, or the end of the input.
    func waitReadable(timeoutMs: Int32) throws(RelayError) -> Bool {
        var entry = pollfd(fd: raw, events: Int16(POLLIN), revents: 0)
        let n = Glibc.poll(&entry, 1, timeoutMs)
        if n < 0 {
            if errno == EINTR { return false }
            throw SystemCall.error("poll")
        }
        return n > 0 && entry.revents != 0
    }

    /// Reads what is there, up to `buffer.count` bytes. Returns nil when nothing is
    /// available yet (EAGAIN), 0 at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(RelayError) -> Int? {
        while true {
            let n = Glibc.read(raw, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN: return nil
            default: throw SystemCall.error("read")
            }
        }
    }

    /// Reads until `buffer` is full, the input ends, or `stop` is raised; returns the
    /// number of bytes read (short only at the end of the input or on stop).
    func readFully(into buffer: UnsafeMutableRawBufferPointer, stop: StopSignal, pollMs: Int32) throws(RelayError) -> Int {
        var filled = 0
        while filled < buffer.count, !stop.isRaised {
            guard let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...])) else {
                _ = try waitReadable(timeoutMs: pollMs)
                continue
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    deinit { _ = Glibc.close(raw) }
}

/// C calls report failure through errno; these turn it into a RelayError with its text.
enum SystemCall {
    /// `what` failed with the current errno, e.g. `open /run/x: No such file or directory`.
    static func error(_ what: String, errno code: Int32 = errno) -> RelayError {
        RelayError(.source, "rawpipe: \(what): \(String(cString: strerror(code)))")
    }
}
