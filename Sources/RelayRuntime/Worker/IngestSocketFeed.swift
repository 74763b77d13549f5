import Glibc
import RelayCore
import Synchronization
import WorkerProtocol

/// The worker's end of its relay's ingest socket (fd 4): `IngestMessage`s from the ingest
/// server in the supervisor, read on the source's thread.
///
/// Reading only when the source asks is what bounds memory: while the relay is busy, the
/// socket fills, the supervisor's end stops being writable and the ingest server drops media
/// up to the next keyframe (its queue is bounded), instead of this process buffering.
final class IngestSocketFeed: IngestFeed {
    private struct State: ~Copyable {
        let fd: Int32
        var decoder = IngestFrame.Decoder()
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        var closed = false
    }

    struct Closed: Error, CustomStringConvertible {
        var description: String
    }

    private let state: Mutex<State>

    /// Takes ownership of `fd`.
    init(fd: Int32) { state = Mutex(State(fd: fd)) }

    func next(timeout: Duration) throws -> IngestMessage? {
        // One reader at a time by design (the source's thread); the lock only makes that safe.
        try state.withLock { state throws -> IngestMessage? in
            let deadline = ContinuousClock.now + timeout
            while true {
                do {
                    if let message = try state.decoder.next() { return message }
                } catch {
                    state.closed = true
                    throw Closed(description: "ingest feed is corrupt: \(error)")
                }
                if state.closed { throw Closed(description: "ingest feed closed: the supervisor went away") }
                let remaining = deadline - .now
                guard remaining > .zero else { return nil }
                var entry = pollfd(fd: state.fd, events: Int16(POLLIN), revents: 0)
                let ready = Glibc.poll(&entry, 1, Int32(clamping: max(1, remaining.milliseconds)))
                if ready < 0, errno != EINTR { throw Closed(description: "ingest feed: poll failed (errno \(errno))") }
                guard ready > 0 else { continue }
                let fd = state.fd
                let count = state.chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    state.closed = true
                } else if count == 0 {
                    state.closed = true
                } else {
                    state.decoder.append(state.chunk[..<count])
                }
            }
        }
    }

    deinit {
        state.withLock { _ = Glibc.close($0.fd) }
    }
}
