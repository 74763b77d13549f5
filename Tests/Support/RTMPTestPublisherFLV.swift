import Foundation

/// The tags of an FLV file, read by the test publisher itself (header, tags, previous tag
/// sizes checked): what it sends as RTMP audio, video and data messages.
public struct RTMPTestPublisherFLV: Sendable {
    public struct Tag: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case audio, video
            /// A script data tag (`onMetaData`).
            case script
        }

        public var kind: Kind
        /// Milliseconds, the file's 24 bits plus its extension byte.
        public var timestamp: UInt32
        /// The tag body, exactly what an RTMP message of this type carries.
        public var body: [UInt8]

        /// RTMP message type of this tag (8, 9 or 18).
        public var messageType: UInt8 {
            switch kind {
            case .audio: RTMPTestPublisherMessage.audio
            case .video: RTMPTestPublisherMessage.video
            case .script: RTMPTestPublisherMessage.amf0Data
            }
        }

        /// An AVC or AAC sequence header (decoder configuration), not a frame.
        public var isSequenceHeader: Bool {
            switch kind {
            // Video: codec 7 (AVC) with AVCPacketType 0; audio: format 10 (AAC) with AACPacketType 0.
            case .video: body.count >= 2 && body[0] & 0x0F == 7 && body[1] == 0
            case .audio: body.count >= 2 && body[0] >> 4 == 10 && body[1] == 0
            case .script: false
            }
        }

        /// An AVC end-of-sequence tag (AVCPacketType 2), which ffmpeg's FLV muxer writes last.
        public var isEndOfSequence: Bool { kind == .video && body.count >= 2 && body[0] & 0x0F == 7 && body[1] == 2 }

        /// An audio or video frame: not decoder configuration, not an end of sequence.
        public var isFrame: Bool { kind != .script && !isSequenceHeader && !isEndOfSequence }

        /// A video keyframe (frame type 1).
        public var isKeyframe: Bool { kind == .video && !body.isEmpty && body[0] >> 4 == 1 }
    }

    public var hasAudio: Bool
    public var hasVideo: Bool
    public var tags: [Tag]

    /// Video frames (not counting the sequence header and end of sequence).
    public var videoFrameCount: Int { tags.filter { $0.kind == .video && $0.isFrame }.count }
    /// Audio frames (not counting the sequence header).
    public var audioFrameCount: Int { tags.filter { $0.kind == .audio && $0.isFrame }.count }

    /// From the first to the last media tag's timestamp, in milliseconds.
    public var durationMilliseconds: UInt32 {
        let times = tags.filter { $0.kind != .script }.map(\.timestamp)
        guard let first = times.min(), let last = times.max() else { return 0 }
        return last - first
    }

    /// How long one pass lasts when the file is looped (ms): from its first media timestamp
    /// to the end of the last frame of its longer stream, so that the next pass starts after
    /// both streams' last frames and each stream's timestamps keep rising.
    public var loopDurationMilliseconds: UInt32 {
        let first = tags.filter { $0.kind != .script }.map(\.timestamp).min() ?? 0
        let ends = [Tag.Kind.audio, .video].compactMap { kind -> UInt32? in
            let times = tags.filter { $0.kind == kind && $0.isFrame }.map(\.timestamp)
            guard let last = times.max() else { return nil }
            // A frame lasts the stream's usual gap; a lone frame is given 40 ms (a 25 fps frame).
            let interval = times.count > 1 ? UInt32((Double(last - times.min()!) / Double(times.count - 1)).rounded()) : 40
            return last + interval
        }
        return (ends.max() ?? first) - first
    }

    public init(hasAudio: Bool, hasVideo: Bool, tags: [Tag]) {
        self.hasAudio = hasAudio
        self.hasVideo = hasVideo
        self.tags = tags
    }

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RTMPTestPublisherError.invalidFLV("cannot read \(path)")
        }
        try self.init(bytes: [UInt8](data))
    }

    public init(bytes: [UInt8]) throws {
        func uint(_ range: Range<Int>) -> UInt32 { bytes[range].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

        guard bytes.count >= 13, bytes[0..<3].elementsEqual("FLV".utf8) else {
            throw RTMPTestPublisherError.invalidFLV("no FLV signature")
        }
        hasAudio = bytes[4] & 0x04 != 0
        hasVideo = bytes[4] & 0x01 != 0
        let headerSize = Int(uint(5..<9))
        guard headerSize >= 9, bytes.count >= headerSize + 4 else {
            throw RTMPTestPublisherError.invalidFLV("header size \(headerSize) in a \(bytes.count)-byte file")
        }
        guard uint(headerSize..<headerSize + 4) == 0 else { throw RTMPTestPublisherError.invalidFLV("PreviousTagSize0 is not 0") }

        var tags: [Tag] = []
        var offset = headerSize + 4
        while offset < bytes.count {
            guard bytes.count - offset >= 11 else {
                throw RTMPTestPublisherError.invalidFLV("truncated tag header at byte \(offset)")
            }
            let type = bytes[offset] & 0x1F
            guard bytes[offset] & 0x20 == 0 else {
                throw RTMPTestPublisherError.invalidFLV("encrypted (filtered) tag at byte \(offset)")
            }
            let size = Int(uint(offset + 1..<offset + 4))
            // 24 bits of milliseconds, then the extension byte holding bits 24–31.
            let timestamp = uint(offset + 4..<offset + 7) | UInt32(bytes[offset + 7]) << 24
            let bodyStart = offset + 11
            guard bytes.count - bodyStart >= size + 4 else {
                throw RTMPTestPublisherError.invalidFLV("tag at byte \(offset) claims \(size) bytes; the file ends first")
            }
            let previousTagSize = uint(bodyStart + size..<bodyStart + size + 4)
            guard previousTagSize == UInt32(size + 11) else {
                throw RTMPTestPublisherError.invalidFLV(
                    "tag at byte \(offset): previous tag size \(previousTagSize), expected \(size + 11)")
            }
            let body = Array(bytes[bodyStart..<bodyStart + size])
            switch type {
            case 8: tags.append(Tag(kind: .audio, timestamp: timestamp, body: body))
            case 9: tags.append(Tag(kind: .video, timestamp: timestamp, body: body))
            case 18: tags.append(Tag(kind: .script, timestamp: timestamp, body: body))
            default: throw RTMPTestPublisherError.invalidFLV("tag type \(type) at byte \(offset)")
            }
            offset = bodyStart + size + 4
        }
        self.tags = tags
    }
}
