import RelayCore

/// Turns a publisher's parsed messages into packets for the streams the probe found: stream
/// indices, nothing before the first video keyframe, every frame checked against its
/// sequence header, and a changed sequence header announced on its stream's next packet
/// (`newExtradata`; identical repeats are ignored).
struct PacketAssembler {
    private struct Track {
        let index: Int
        /// The extradata downstream knows: the stream's, then the latest change announced.
        var announced: [UInt8]
        /// A sequence header arrived (in message order): frames before it cannot be decoded.
        var configured = false
        var pendingExtradata: [UInt8]?

        init(index: Int, extradata: [UInt8]) {
            self.index = index
            announced = extradata
        }

        mutating func configure(_ extradata: [UInt8]) {
            configured = true
            guard extradata != announced else { return }
            announced = extradata
            pendingExtradata = extradata
        }
    }

    private var video: Track?
    private var audio: Track?
    /// The video's current sequence header: the NAL unit length size frames are checked with.
    private var avc: AVCDecoderConfiguration?
    /// With video, nothing goes out before its first keyframe.
    private var started: Bool
    /// After the ingest server dropped messages, video resumes at a keyframe.
    private var videoNeedsKeyframe = false

    init(streams: [StreamInfo]) {
        for stream in streams {
            switch stream.kind {
            case .video: video = Track(index: stream.index, extradata: stream.extradata)
            case .audio: audio = Track(index: stream.index, extradata: stream.extradata)
            case .data, .subtitle: break
            }
        }
        started = video == nil
    }

    /// The ingest server dropped messages: video waits for its next keyframe.
    mutating func mediaWasDropped() {
        videoNeedsKeyframe = true
    }

    /// The packet `tag` makes, if any. Throws for a frame that contradicts its sequence header.
    mutating func packet(for tag: MediaTag) throws(MediaFormatError) -> MediaPacket? {
        switch tag.body {
        case .video(.sequenceHeader(let config)):
            guard video != nil else { return nil }
            avc = config
            video?.configure(config.bytes)
        case .video(.frame(let isKeyframe, let compositionTime, let nalUnits)):
            guard var track = video, track.configured, let avc else { return nil }
            if !started || videoNeedsKeyframe {
                guard isKeyframe else { return nil }
                started = true
                videoNeedsKeyframe = false
            }
            try avc.validate(nalUnits: nalUnits)
            let packet = MediaPacket(
                streamIndex: track.index, pts: tag.timestamp + Int64(compositionTime), dts: tag.timestamp,
                isKeyframe: isKeyframe, data: nalUnits, newExtradata: track.pendingExtradata)
            track.pendingExtradata = nil
            video = track
            return packet
        case .audio(.sequenceHeader(let config)):
            audio?.configure(config.bytes)
        case .audio(.frame(let data)):
            guard var track = audio, track.configured, started else { return nil }
            let packet = MediaPacket(
                streamIndex: track.index, pts: tag.timestamp, dts: tag.timestamp, isKeyframe: true, data: data,
                newExtradata: track.pendingExtradata)
            track.pendingExtradata = nil
            audio = track
            return packet
        case .video(.nothing), .audio(.nothing), .metadata, .otherData:
            break
        }
        return nil
    }
}
