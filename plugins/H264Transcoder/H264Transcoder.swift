import Logging
import MediaEngine
import RelayCore

/// decode → scale (keeping aspect) → constant frame rate → libx264, and
/// decode → resample to planar float → 1024-sample frames → AAC. Output stream 0 is video
/// (time base 1/fps, pts = frame index), stream 1 audio (time base 1/sample rate), always:
/// a source without audio, or whose audio starts late or stops, gets silence (see
/// `AudioTimeline`). Both start at the relay's first decoded frame, so they stay aligned.
final class H264Transcoder: MediaTranscoder {
    private static let micro = Rational(1, 1_000_000)

    private let options: H264TranscoderPlugin.Options
    private let logger: Logger

    private struct VideoPath {
        var inputIndex: Int
        var timeBase: Rational
        var decoder: Decoder
        let scaler: Scaler
        let encoder: Encoder
        var rate: FrameRateConverter
        var lastTimeUs: Int64?
    }

    private struct AudioInput {
        let index: Int
        let timeBase: Rational
        let decoder: Decoder
    }

    private struct AudioPath {
        /// Nil for a video-only source: the output is all silence.
        var input: AudioInput?
        let resampler: Resampler
        let encoder: Encoder
        var timeline: AudioTimeline
        /// Output samples encoded so far; the next frame's pts.
        var samplesEncoded: Int64 = 0

        /// Where the output's audio ends: encoded plus waiting in the fifo.
        var end: Int64 { samplesEncoded + Int64(resampler.fifo.count) }
    }

    private var video: VideoPath?
    private var audio: AudioPath?
    private let decoded = Frame()
    private let scaled = Frame()
    private let audioFrame = Frame()
    /// Time of the first decoded frame of any stream: output time zero.
    private var startUs: Int64?
    /// `scaled` holds a picture: the slate repeated while the source is away.
    private var hasPicture = false
    /// While the source is away: the output slot where the gap began.
    private var gapStartSlot: Int64?
    /// A re-opened source's first frame sets a new `startUs`, placing it where the output is.
    private var rebasePending = false
    /// The route's slate image, and it fitted to the output size once needed.
    private let slateImage: Frame?
    private var slatePicture: Frame?

    /// Output begins at `emitFromUs`: earlier input is decoded (to reach it from a keyframe)
    /// but not encoded.
    private let emitFromUs: Int64

    /// `origin`: the input time (µs) that is output time zero; nil = the first decoded frame.
    /// A transcoder taking over mid-stream gets the relay's origin and where to begin.
    init(
        options: H264TranscoderPlugin.Options, logger: Logger, origin: Int64? = nil, emitFromUs: Int64 = 0,
        slate: Frame? = nil
    ) {
        slateImage = slate
        self.options = options
        self.logger = logger
        startUs = origin
        self.emitFromUs = emitFromUs
    }

    func open(inputs: [StreamInfo]) throws -> [StreamInfo] {
        guard let videoInput = inputs.first(where: { $0.kind == .video }) else {
            throw RelayError(.source, "h264: the source has no video stream")
        }
        let settings = options.video
        let geometry = OutputGeometry(
            sourceWidth: Int(videoInput.width), sourceHeight: Int(videoInput.height), boundWidth: settings.width,
            boundHeight: settings.height, fit: settings.fit)
        let encoder = try Self.configured {
            try Encoder(
                video: VideoEncoderSettings(
                    width: Int32(geometry.width), height: Int32(geometry.height), fps: Int32(settings.fps),
                    bitRate: settings.bitrate, maxRate: settings.maxrate, bufferSize: settings.bufsize,
                    gopFrames: Int32(settings.gopFrames), preset: settings.preset, tune: settings.tune,
                    profile: settings.profile, level: settings.level),
                streamIndex: 0)
        }
        let scaler = Scaler(
            canvasWidth: Int32(geometry.width), canvasHeight: Int32(geometry.height),
            placement: Scaler.Rect(
                x: Int32(geometry.x), y: Int32(geometry.y), width: Int32(geometry.pictureWidth),
                height: Int32(geometry.pictureHeight)))
        video = VideoPath(
            inputIndex: videoInput.index, timeBase: videoInput.timeBase,
            decoder: try Self.fromSource { try Decoder(stream: videoInput) },
            scaler: scaler, encoder: encoder,
            rate: FrameRateConverter(
                fps: settings.fps, firstSlot: FrameRateConverter.nearestSlot(emitFromUs, fps: Int64(settings.fps))))
        let audioInput = inputs.first(where: { $0.kind == .audio })
        let audioSettings = options.audio
        let audioEncoder = try Self.configured {
            try Encoder(
                audio: AudioEncoderSettings(
                    sampleRate: Int32(audioSettings.sampleRate), channels: Int32(audioSettings.channels),
                    bitRate: audioSettings.bitrate),
                streamIndex: 1)
        }
        let timeline = AudioTimeline(sampleRate: audioSettings.sampleRate, sourceHasAudio: audioInput != nil)
        audio = AudioPath(
            input: try audioInput.map { input in
                AudioInput(
                    index: input.index, timeBase: input.timeBase,
                    decoder: try Self.fromSource { try Decoder(stream: input) })
            },
            resampler: try Self.ours {
                try Resampler(sampleRate: Int32(audioSettings.sampleRate), channels: Int32(audioSettings.channels))
            },
            encoder: audioEncoder, timeline: timeline, samplesEncoded: timeline.sample(atMicroseconds: emitFromUs))
        let outputs = [encoder.stream, audioEncoder.stream]
        if audioInput == nil { logger.info("h264: the source has no audio; the output carries silence") }
        logger.info(
            "h264: \(videoInput.summary) → \(outputs.map(\.summary).joined(separator: ", ")), GOP \(settings.gopFrames) frames")
        return outputs
    }

    func process(_ packet: MediaPacket, into output: inout [MediaPacket]) throws {
        if let path = video, packet.streamIndex == path.inputIndex {
            while try !Self.fromSource({ try path.decoder.send(packet) }) { try drainVideo(into: &output) }
            try drainVideo(into: &output)
            try fillAudio(into: &output)
        } else if let input = audio?.input, packet.streamIndex == input.index {
            while try !Self.fromSource({ try input.decoder.send(packet) }) { try drainAudio(into: &output) }
            try drainAudio(into: &output)
        }
    }

    func flush(into output: inout [MediaPacket]) throws {
        if let path = video {
            try Self.fromSource { try path.decoder.sendEnd() }
            try drainVideo(into: &output)
            try Self.ours { try path.encoder.flush(into: &output) }
        }
        if let path = audio {
            if let input = path.input {
                try Self.fromSource { try input.decoder.sendEnd() }
                try drainAudio(into: &output)
                try Self.ours { try path.resampler.drain() }
            }
            // Audio ends with the video, whatever the source's audio did.
            try Self.ours {
                if let end = videoEndSample(), end > path.end { try path.resampler.fifo.appendSilence(end - path.end) }
                try encodeAudio(minimum: 1, into: &output)
                try path.encoder.flush(into: &output)
            }
        }
    }

    /// Slate while the source is away: the route's slate image or else the last picture,
    /// repeated at the output frame rate (the encoder carries on, so the stream's
    /// configuration is unchanged), and silence.
    func fillGap(elapsedUs: Int64, into output: inout [MediaPacket]) throws {
        guard var path = video else { return }
        let first = gapStartSlot ?? path.rate.nextSlot
        gapStartSlot = first
        let slots = path.rate.fill(through: first + elapsedUs * Int64(options.video.fps) / 1_000_000 - 1)
        video = path
        try Self.ours {
            if slatePicture == nil, let slateImage {
                slatePicture = try Scaler.fitting(
                    slateImage, width: path.encoder.stream.width, height: path.encoder.stream.height)
            }
            if let picture = slatePicture ?? (hasPicture ? scaled : nil) {
                for slot in slots {
                    picture.pts = slot
                    try path.encoder.encode(picture, into: &output)
                }
            }
            if let audio, let videoEnd = videoEndSample(), videoEnd > audio.end {
                try audio.resampler.fifo.appendSilence(videoEnd - audio.end)
                try encodeAudio(minimum: audio.encoder.frameSize, into: &output)
            }
        }
    }

    /// New decoders for the re-opened source; its first frame continues the output.
    func sourceResumed(inputs: [StreamInfo], gapUs: Int64) throws {
        gapStartSlot = nil
        rebasePending = true
        if var path = video {
            guard let input = inputs.first(where: { $0.kind == .video }) else {
                throw RelayError(.source, "h264: the source came back without video")
            }
            path.decoder = try Self.fromSource { try Decoder(stream: input) }
            path.inputIndex = input.index
            path.timeBase = input.timeBase
            path.lastTimeUs = nil
            path.rate.rebase()
            video = path
        }
        let audioInput = inputs.first(where: { $0.kind == .audio })
        audio?.input = try audioInput.map { input in
            AudioInput(index: input.index, timeBase: input.timeBase, decoder: try Self.fromSource { try Decoder(stream: input) })
        }
    }

    // A decoder failing is the source's fault (media we cannot read); an encoder refusing
    // its settings is the profile's; anything failing after that is ours.
    private static func fromSource<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AVError { throw error.relayError(.source) }
    }

    private static func configured<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AVError { throw error.relayError(.configuration) }
    }

    static func ours<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AVError { throw error.relayError(.internal) }
    }

    private func drainVideo(into output: inout [MediaPacket]) throws {
        guard var path = video else { return }
        defer { video = path }
        while try Self.fromSource({ try path.decoder.receive(into: decoded) }) {
            // A frame without a timestamp follows the previous one by one output frame.
            let timeUs = decoded.pts.map { path.timeBase.rescale($0, to: Self.micro) }
                ?? path.lastTimeUs.map { $0 + 1_000_000 / Int64(options.video.fps) } ?? 0
            path.lastTimeUs = timeUs
            let start = origin(forFrameAt: timeUs, outputSlot: path.rate.nextSlot)
            let firstSlot = path.rate.nextSlot
            let repeats = path.rate.repeats(forFrameAt: timeUs - start)
            guard repeats > 0 else { continue }
            try Self.ours {
                try path.scaler.scale(decoded, into: scaled)
                hasPicture = true
                for slot in firstSlot..<(firstSlot + repeats) {
                    scaled.pts = slot
                    try path.encoder.encode(scaled, into: &output)
                }
            }
        }
    }

    private func drainAudio(into output: inout [MediaPacket]) throws {
        guard let input = audio?.input else { return }
        while try Self.fromSource({ try input.decoder.receive(into: decoded) }) {
            audio?.timeline.sourceAudioArrived()
            guard let path = audio else { return }
            var drop: Int64 = 0
            if let pts = decoded.pts {
                let timeUs = input.timeBase.rescale(pts, to: Self.micro)
                let start = origin(forFrameAt: timeUs, outputSlot: video?.rate.nextSlot ?? 0)
                let correction = path.timeline.place(expected: path.timeline.sample(atMicroseconds: timeUs - start), end: path.end)
                if correction.silence > 0 { try Self.ours { try path.resampler.fifo.appendSilence(correction.silence) } }
                drop = correction.drop
            }
            try Self.ours {
                try path.resampler.convert(decoded, dropping: drop)
                try encodeAudio(minimum: path.encoder.frameSize, into: &output)
            }
        }
    }

    /// Input time (µs) of output time zero, fixed by the first decoded frame — and again by
    /// the first frame of a source re-opened after a gap, so it continues at `outputSlot`.
    private func origin(forFrameAt timeUs: Int64, outputSlot: Int64) -> Int64 {
        if rebasePending {
            rebasePending = false
            startUs = timeUs - outputSlot * 1_000_000 / Int64(options.video.fps)
        }
        let start = startUs ?? timeUs
        startUs = start
        return start
    }

    /// Output sample where the video encoded so far ends.
    private func videoEndSample() -> Int64? {
        guard let video, let audio else { return nil }
        return video.rate.nextSlot * audio.timeline.sampleRate / video.rate.fps
    }

    /// Silence for audio that trails the video too far (none, late, or stopped).
    private func fillAudio(into output: inout [MediaPacket]) throws {
        guard let videoEnd = videoEndSample(), let end = audio?.end,
            let silence = audio?.timeline.fill(videoEnd: videoEnd, end: end), silence > 0, let path = audio
        else { return }
        try Self.ours {
            try path.resampler.fifo.appendSilence(silence)
            try encodeAudio(minimum: path.encoder.frameSize, into: &output)
        }
    }

    /// Encodes full frames from the fifo while at least `minimum` samples are queued.
    private func encodeAudio(minimum: Int32, into output: inout [MediaPacket]) throws(AVError) {
        guard let path = audio else { return }
        let frameSize = path.encoder.frameSize
        var encoded = path.samplesEncoded
        while path.resampler.fifo.count >= max(minimum, 1) {
            try path.encoder.encode(
                from: path.resampler.fifo, samples: frameSize, pts: encoded, using: audioFrame, into: &output)
            encoded += Int64(frameSize)
        }
        audio?.samplesEncoded = encoded
    }
}
