package import NIOCore

/// Reassembles RTMP messages from the chunk stream a peer sends after the handshake.
///
/// ### Function
/// Every header format (types 0 to 3), chunk stream ids in their 1-, 2- and 3-byte forms,
/// extended timestamps (also on type 3 chunks after a header that used one), and messages
/// interleaved across chunk streams. Timestamps come out absolute (32 bits, wrapping).
///
/// Set Chunk Size and Abort take effect inside the decoder the moment they are decoded, so
/// the chunks that follow them in the same read are cut by the new rules; both are still
/// passed on.
///
/// ### Implementation
/// Chunk payloads are consumed as they arrive rather than once whole, so the bytes left in
/// the input never exceed a partial chunk header (`RTMPChunkHeader.maximumLength`). A message
/// that fits in one chunk already in the input is passed on as a slice of it, without a
/// copy; a longer message grows in its chunk stream's buffer as its chunks arrive.
///
/// Every limit of `RTMPServerConfiguration` that concerns inbound chunks is enforced here.
package struct RTMPChunkDecoder: NIOSingleStepByteToMessageDecoder {
    package typealias InboundOut = RTMPMessage

    /// The RTMP default until the peer's first Set Chunk Size.
    static let defaultChunkSize = 128

    private let configuration: RTMPServerConfiguration
    /// The peer's chunk size: how many payload bytes follow each chunk header at most.
    package private(set) var chunkSize = Self.defaultChunkSize
    private var chunkStreams: [UInt32: RTMPChunkStream] = [:]
    /// The chunk stream whose chunk payload is being read, and how many of its bytes are
    /// still to come.
    private var chunkInProgress: (chunkStreamID: UInt32, remaining: Int)?
    /// Bytes held in partly received messages, across all chunk streams.
    package private(set) var bufferedByteCount = 0

    package init(configuration: RTMPServerConfiguration) {
        self.configuration = configuration
    }

    package mutating func decode(buffer: inout ByteBuffer) throws -> RTMPMessage? {
        while true {
            if self.chunkInProgress == nil {
                let header = buffer.readRTMPChunkHeader { self.chunkStreams[$0]?.hasExtendedTimestamp ?? false }
                guard let header else {
                    return nil
                }
                try self.begin(chunk: header)
            }
            guard let (chunkStreamID, remaining) = self.chunkInProgress else {
                continue
            }
            let available = min(remaining, buffer.readableBytes)
            guard available > 0 || remaining == 0 else {
                return nil
            }
            if remaining - available > 0 {
                self.chunkInProgress = (chunkStreamID, remaining - available)
            } else {
                self.chunkInProgress = nil
            }
            if let message = try self.append(buffer.readSlice(length: available)!, to: chunkStreamID) {
                return message
            }
        }
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> RTMPMessage? {
        // A message cut off by the end of the connection is of no use; it is dropped.
        try self.decode(buffer: &buffer)
    }

    /// Takes in a chunk header: starts a message, or continues the one in progress.
    private mutating func begin(chunk header: RTMPChunkHeader) throws {
        var stream: RTMPChunkStream
        if let existing = self.chunkStreams[header.chunkStreamID] {
            stream = existing
        } else {
            guard header.format == .full else {
                throw RTMPProtocolError.chunkWithoutPreviousHeader(chunkStreamID: header.chunkStreamID)
            }
            guard self.chunkStreams.count < self.configuration.maxChunkStreams else {
                throw RTMPProtocolError.tooManyChunkStreams(limit: self.configuration.maxChunkStreams)
            }
            stream = RTMPChunkStream(header: header)
        }

        if let partial = stream.partialMessage {
            if header.format != .continuation {
                // A new header in the middle of a message abandons it, as FFmpeg does.
                self.bufferedByteCount -= partial.readableBytes
                stream.startMessage(with: header)
            }
        } else {
            stream.startMessage(with: header)
        }
        guard stream.messageLength <= self.configuration.maxMessageSize else {
            throw RTMPProtocolError.messageTooLong(length: stream.messageLength, limit: self.configuration.maxMessageSize)
        }
        let received = stream.partialMessage?.readableBytes ?? 0
        self.chunkStreams[header.chunkStreamID] = stream
        self.chunkInProgress = (header.chunkStreamID, min(self.chunkSize, stream.messageLength - received))
    }

    /// Adds chunk payload bytes to the message of `chunkStreamID`; returns the message once
    /// it is complete.
    ///
    /// The partial message is grown in place in `chunkStreams`: a copy of it held elsewhere
    /// while writing would copy the whole buffer for every chunk.
    private mutating func append(_ bytes: ByteBuffer, to chunkStreamID: UInt32) throws -> RTMPMessage? {
        // `begin(chunk:)` stored the stream and started its partial message.
        let received = self.chunkStreams[chunkStreamID]!.partialMessage!.readableBytes
        let complete = received + bytes.readableBytes == self.chunkStreams[chunkStreamID]!.messageLength
        let payload: ByteBuffer
        if complete && received == 0 {
            payload = bytes
        } else {
            guard self.bufferedByteCount + bytes.readableBytes <= self.configuration.maxMessageSize else {
                throw RTMPProtocolError.partialMessagesTooLarge(limit: self.configuration.maxMessageSize)
            }
            self.bufferedByteCount += bytes.readableBytes
            self.chunkStreams[chunkStreamID]!.partialMessage!.writeImmutableBuffer(bytes)
            guard complete else {
                return nil
            }
            payload = self.chunkStreams[chunkStreamID]!.partialMessage!
            self.bufferedByteCount -= payload.readableBytes
        }
        self.chunkStreams[chunkStreamID]!.partialMessage = nil
        let stream = self.chunkStreams[chunkStreamID]!
        let message = RTMPMessage(
            type: stream.messageType, streamID: stream.messageStreamID, timestamp: stream.timestamp, payload: payload
        )
        try self.applyProtocolControl(message)
        return message
    }

    /// Set Chunk Size and Abort change how the following chunks are read.
    private mutating func applyProtocolControl(_ message: RTMPMessage) throws {
        switch message.type {
        case .setChunkSize:
            guard let value = message.protocolControlValue else {
                throw RTMPProtocolError.malformedMessage(type: message.type)
            }
            // The top bit is reserved and must be ignored.
            let size = Int(value & 0x7FFF_FFFF)
            guard size > 0, size <= self.configuration.maxChunkSize else {
                throw RTMPProtocolError.invalidChunkSize(size, limit: self.configuration.maxChunkSize)
            }
            self.chunkSize = size
        case .abort:
            guard let chunkStreamID = message.protocolControlValue else {
                throw RTMPProtocolError.malformedMessage(type: message.type)
            }
            if let partial = self.chunkStreams[chunkStreamID]?.partialMessage {
                self.bufferedByteCount -= partial.readableBytes
                self.chunkStreams[chunkStreamID]?.partialMessage = nil
            }
        default:
            break
        }
    }
}
