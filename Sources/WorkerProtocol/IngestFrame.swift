import Foundation
public import RelayCore

/// The byte format of `IngestMessage`s on a worker's ingest socket: a 5-byte header — the
/// kind (1 byte), then the body length (4 bytes, big-endian) — and the body.
///
/// | kind | body |
/// |---|---|
/// | 1 publish | `IngestPublisher` as JSON |
/// | 2 media | media kind (1 byte: 8, 9, 18), timestamp (8 bytes, big-endian, signed), payload |
/// | 3 dropped | count (4 bytes, big-endian) |
/// | 4 unpublish | the reason, UTF-8 |
///
/// Binary because media is the bulk of it; the header lets the ingest server write a
/// media message without copying its payload.
public enum IngestFrame {
    public static let headerSize = 5
    public static let mediaHeaderSize = 9
    /// A frame larger than this is a broken peer (RTMP messages are at most 16 MiB).
    public static let maxBody = 17 * 1024 * 1024

    enum Kind: UInt8 {
        case publish = 1, media = 2, dropped = 3, unpublish = 4
    }

    /// Every byte of one message's frame.
    public static func encode(_ message: IngestMessage) -> [UInt8] {
        switch message {
        case .publish(let publisher):
            let json = (try? JSONEncoder().encode(publisher)).map { [UInt8]($0) } ?? []
            return header(.publish, bodyLength: json.count) + json
        case .media(let media):
            return mediaHeader(kind: media.kind, timestamp: media.timestamp, payloadLength: media.payload.count) + media.payload
        case .dropped(let count):
            return header(.dropped, bodyLength: 4) + bigEndian(UInt32(clamping: count))
        case .unpublish(let reason):
            let text = Array(reason.utf8)
            return header(.unpublish, bodyLength: text.count) + text
        }
    }

    /// The header of a media frame whose payload follows: frame header plus media header.
    public static func mediaHeader(kind: IngestMedia.Kind, timestamp: Int64, payloadLength: Int) -> [UInt8] {
        header(.media, bodyLength: 9 + payloadLength) + [kind.rawValue] + bigEndian(UInt64(bitPattern: timestamp))
    }

    private static func header(_ kind: Kind, bodyLength: Int) -> [UInt8] {
        [kind.rawValue] + bigEndian(UInt32(bodyLength))
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Decodes frames from a byte stream fed in pieces.
    public struct Decoder: Sendable {
        private var buffer: [UInt8] = []
        private var start = 0

        public init() {}

        public mutating func append(_ bytes: some Collection<UInt8>) {
            // Drop what was consumed before growing, so the buffer holds at most one frame's backlog.
            if start > 0, start >= buffer.count / 2 {
                buffer.removeFirst(start)
                start = 0
            }
            buffer.append(contentsOf: bytes)
        }

        /// The next complete message, or nil until more bytes arrive.
        public mutating func next() throws(Malformed) -> IngestMessage? {
            let available = buffer.count - start
            guard available >= headerSize else { return nil }
            let rawKind = buffer[start]
            let length = Int(read(UInt32.self, at: start + 1))
            guard let kind = Kind(rawValue: rawKind) else { throw Malformed(description: "unknown ingest frame kind \(rawKind)") }
            guard length <= maxBody else { throw Malformed(description: "ingest frame of \(length) bytes") }
            guard available >= headerSize + length else { return nil }
            let body = start + headerSize
            start = body + length
            switch kind {
            case .publish:
                guard let publisher = try? JSONDecoder().decode(IngestPublisher.self, from: Data(buffer[body..<start])) else {
                    throw Malformed(description: "unreadable publish frame")
                }
                return .publish(publisher)
            case .media:
                guard length >= mediaHeaderSize, let mediaKind = IngestMedia.Kind(rawValue: buffer[body]) else {
                    throw Malformed(description: "malformed media frame")
                }
                let timestamp = Int64(bitPattern: read(UInt64.self, at: body + 1))
                return .media(
                    IngestMedia(kind: mediaKind, timestamp: timestamp, payload: Array(buffer[(body + mediaHeaderSize)..<start])))
            case .dropped:
                guard length == 4 else { throw Malformed(description: "malformed dropped frame") }
                return .dropped(count: Int(read(UInt32.self, at: body)))
            case .unpublish:
                return .unpublish(reason: String(decoding: buffer[body..<start], as: UTF8.self))
            }
        }

        private func read<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
            var value: T = 0
            for i in 0..<(T.bitWidth / 8) { value = value << 8 | T(buffer[offset + i]) }
            return value
        }
    }
}
