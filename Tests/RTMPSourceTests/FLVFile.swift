import Foundation
import RelayCore

/// A small FLV file reader (header, tags, previous tag sizes): turns a file that ffmpeg wrote
/// into the RTMP media messages a publisher would send, as the ingest server forwards them.
enum FLVFile {
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func messages(_ path: String) throws -> [IngestMedia] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard bytes.count >= 13, bytes[0..<3].elementsEqual("FLV".utf8) else { throw Malformed(description: "\(path): not FLV") }
        var offset = Int(uint(bytes, 5, 4))
        guard uint(bytes, offset, 4) == 0 else { throw Malformed(description: "PreviousTagSize0 is not 0") }
        offset += 4
        var messages: [IngestMedia] = []
        while offset + 11 <= bytes.count {
            let type = bytes[offset] & 0x1F
            let size = Int(uint(bytes, offset + 1, 3))
            let timestamp = Int64(uint(bytes, offset + 4, 3) | uint(bytes, offset + 7, 1) << 24)
            let body = offset + 11
            guard body + size + 4 <= bytes.count else { throw Malformed(description: "tag at \(offset) is truncated") }
            guard uint(bytes, body + size, 4) == UInt32(11 + size) else {
                throw Malformed(description: "previous tag size after the tag at \(offset) is wrong")
            }
            if let kind = IngestMedia.Kind(rawValue: type) {
                messages.append(IngestMedia(kind: kind, timestamp: timestamp, payload: Array(bytes[body..<(body + size)])))
            }
            offset = body + size + 4
        }
        return messages
    }

    private static func uint(_ bytes: [UInt8], _ offset: Int, _ count: Int) -> UInt32 {
        bytes[offset..<(offset + count)].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
