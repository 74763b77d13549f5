import NIOCore

extension ByteBuffer {
    /// Reads a whole chunk header, or nothing.
    ///
    /// - Parameter continuationHasExtendedTimestamp: for a type 3 header, whether its chunk
    ///   stream's last header had an extended timestamp (a type 3 chunk then carries one too;
    ///   FFmpeg, librtmp and nginx-rtmp all send and expect it).
    /// - Returns: `nil` when the readable bytes end inside the header; the reader index is
    ///   then left where it was.
    mutating func readRTMPChunkHeader(continuationHasExtendedTimestamp: (UInt32) -> Bool) -> RTMPChunkHeader? {
        var copy = self
        guard let header = copy.readRTMPChunkHeaderConsumingOnFailure(continuationHasExtendedTimestamp) else {
            return nil
        }
        self = copy
        return header
    }

    private mutating func readRTMPChunkHeaderConsumingOnFailure(
        _ continuationHasExtendedTimestamp: (UInt32) -> Bool
    ) -> RTMPChunkHeader? {
        guard let first = self.readInteger(as: UInt8.self) else {
            return nil
        }
        let chunkStreamID: UInt32
        switch first & 0x3F {
        case 0:
            guard let byte = self.readInteger(as: UInt8.self) else { return nil }
            chunkStreamID = 64 + UInt32(byte)
        case 1:
            guard let low = self.readInteger(as: UInt8.self), let high = self.readInteger(as: UInt8.self) else {
                return nil
            }
            chunkStreamID = 64 + UInt32(low) + UInt32(high) * 256
        case let id:
            chunkStreamID = UInt32(id)
        }
        // Two bits cannot hold anything but the four formats.
        var header = RTMPChunkHeader(format: RTMPChunkHeader.Format(rawValue: first >> 6)!, chunkStreamID: chunkStreamID)
        if header.format != .continuation {
            guard let timestamp = self.readUInt24() else { return nil }
            header.timestamp = timestamp
            header.hasExtendedTimestamp = timestamp == RTMPChunkHeader.extendedTimestampMarker
        } else {
            header.hasExtendedTimestamp = continuationHasExtendedTimestamp(chunkStreamID)
        }
        if header.format == .full || header.format == .sameStream {
            guard let length = self.readUInt24(), let type = self.readInteger(as: UInt8.self) else { return nil }
            header.messageLength = Int(length)
            header.messageType = RTMPMessageType(rawValue: type)
        }
        if header.format == .full {
            // The one little-endian field of the protocol.
            guard let streamID = self.readInteger(endianness: .little, as: UInt32.self) else { return nil }
            header.messageStreamID = streamID
        }
        if header.hasExtendedTimestamp {
            guard let timestamp = self.readInteger(as: UInt32.self) else { return nil }
            header.timestamp = timestamp
        }
        return header
    }

    /// Writes `header`, the basic header in its shortest form. Type 0 to 2 headers carry
    /// `timestamp` in the extended field when `hasExtendedTimestamp` is set; a type 3 header
    /// repeats it there under the same condition.
    mutating func writeRTMPChunkHeader(_ header: RTMPChunkHeader) {
        let format = header.format.rawValue << 6
        switch header.chunkStreamID {
        case 0..<64:
            self.writeInteger(format | UInt8(header.chunkStreamID))
        case 64..<320:
            self.writeInteger(format)
            self.writeInteger(UInt8(header.chunkStreamID - 64))
        default:
            let id = header.chunkStreamID - 64
            self.writeInteger(format | 1)
            self.writeInteger(UInt8(truncatingIfNeeded: id))
            self.writeInteger(UInt8(truncatingIfNeeded: id >> 8))
        }
        if header.format != .continuation {
            self.writeUInt24(header.hasExtendedTimestamp ? RTMPChunkHeader.extendedTimestampMarker : header.timestamp)
        }
        if header.format == .full || header.format == .sameStream {
            self.writeUInt24(UInt32(header.messageLength))
            self.writeInteger(header.messageType.rawValue)
        }
        if header.format == .full {
            self.writeInteger(header.messageStreamID, endianness: .little)
        }
        if header.hasExtendedTimestamp {
            self.writeInteger(header.timestamp)
        }
    }

    /// A 24-bit big-endian integer (RTMP's timestamps and lengths), or `nil` and nothing
    /// read when fewer than three bytes are readable.
    mutating func readUInt24() -> UInt32? {
        guard let high = self.getInteger(at: self.readerIndex, as: UInt8.self),
            let low = self.getInteger(at: self.readerIndex + 1, as: UInt16.self)
        else {
            return nil
        }
        self.moveReaderIndex(forwardBy: 3)
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func writeUInt24(_ value: UInt32) {
        self.writeInteger(UInt8(truncatingIfNeeded: value >> 16))
        self.writeInteger(UInt16(truncatingIfNeeded: value))
    }
}
