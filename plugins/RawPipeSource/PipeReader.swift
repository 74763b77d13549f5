import RelayCore

/// One named pipe's reader: a dedicated thread (blocking I/O never runs on the Swift
/// concurrency pool) that cuts the byte stream into whole chunks of `chunkSize` bytes —
/// a video frame, or 20 ms of audio — and leaves them in the `Inbox`.
final class PipeReader: Sendable {
    /// How long one poll waits, so `stop()` is noticed promptly.
    static let pollMs: Int32 = 100

    private let fd: FileDescriptor
    private let path: String
    private let label: String
    private let stream: Int
    private let chunkSize: Int
    private let inbox: Inbox
    private let thread = ReaderThread()
    private var stopSignal: StopSignal { thread.stopSignal }

    /// Opens `path` (without waiting for a writer); `label` names the stream in messages.
    init(path: String, label: String, stream: Int, chunkSize: Int, inbox: Inbox) throws(RelayError) {
        fd = try FileDescriptor(openForReading: path)
        self.path = path
        self.label = label
        self.stream = stream
        self.chunkSize = chunkSize
        self.inbox = inbox
    }

    func start() {
        thread.start(name: "rawpipe-\(label)", { [self] () throws(RelayError) in try run() }) { [inbox, stream] in
            inbox.finish(stream, $0)
        }
    }

    /// Ends the thread and waits for it; the descriptor closes when the reader is released.
    func stop() { thread.stop() }

    private func run() throws(RelayError) {
        var chunk = Self.uninitialized(chunkSize)
        var filled = 0
        var connected = false
        // Whether the last poll saw input or a hang-up: an EOF read right after it is real.
        var polledReady = false
        while !stopSignal.isRaised {
            let count = try chunk.withUnsafeMutableBytes { bytes in
                Result { () throws(RelayError) in try fd.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...])) }
            }.get()
            guard let count else {
                polledReady = try fd.waitReadable(timeoutMs: Self.pollMs)
                continue
            }
            if count == 0 {
                if !connected, !polledReady {
                    // A FIFO with no writer yet reads as EOF; poll reports neither input nor
                    // a hang-up until a writer has come, so it waits for one.
                    polledReady = try fd.waitReadable(timeoutMs: Self.pollMs)
                    continue
                }
                var message = "rawpipe: writer closed \(path) (\(label))"
                if filled > 0 { message += "; the last \(filled) bytes, a partial \(label) chunk, were discarded" }
                inbox.finish(stream, RelayError(.source, message))
                return
            }
            if !connected {
                connected = true
                inbox.connected()
            }
            filled += count
            if filled == chunkSize {
                inbox.push(chunk, stream: stream)
                chunk = Self.uninitialized(chunkSize)
                filled = 0
            }
        }
    }

    /// A buffer the reads fill completely before it is used: skipping the zero fill saves
    /// a memset per frame, which matters when a fast writer sends hundreds per second.
    static func uninitialized(_ size: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { _, initialized in initialized = size }
    }
}
