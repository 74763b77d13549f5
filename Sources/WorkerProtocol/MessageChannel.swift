import Foundation
import Glibc
import Synchronization

/// The control socket's framing: newline-delimited JSON over one end of a socket pair.
/// Sends may come from several threads (serialized by a lock); receiving belongs to one
/// reader thread (`LineReader`).
package final class MessageChannel: Sendable {
    package let fd: Int32
    private let writeLock = Mutex<Void>(())

    package init(fd: Int32) { self.fd = fd }

    package struct Closed: Error {}

    package func send<Message: Encodable>(_ message: Message) throws {
        var data = try JSONEncoder().encode(message)
        data.append(UInt8(ascii: "\n"))
        try writeLock.withLock { _ in
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    // MSG_NOSIGNAL: a dead peer is an error here, never a SIGPIPE.
                    let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw Closed()
                    }
                    offset += n
                }
            }
        }
    }

    /// Wakes a blocked reader on either side and makes further sends fail.
    package func shutdown() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    package func close() { _ = Glibc.close(fd) }
}

/// Reads lines from a file descriptor. Not thread-safe: one reader thread owns it.
package struct LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    /// A line longer than this is a broken peer, not a message.
    private let maxLine = 16 * 1024 * 1024

    package init(fd: Int32) { self.fd = fd }

    /// The next line without its newline, or nil at end of stream.
    package mutating func next() -> [UInt8]? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeFirst(newline + 1)
                return line
            }
            if buffer.count > maxLine { return nil }
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    package mutating func next<Message: Decodable>(_ type: Message.Type) throws -> Message? {
        guard let line = next() else { return nil }
        return try JSONDecoder().decode(Message.self, from: Data(line))
    }
}
