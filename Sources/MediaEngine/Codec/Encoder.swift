internal import CFFmpeg
public import RelayCore

/// An open libavcodec encoder (libx264 or aac). Frames in, `MediaPacket`s out, with
/// timestamps in `stream.timeBase`: 1/fps for video (pts = frame index), 1/rate for audio.
public final class Encoder {
    private let context: CodecContext
    private let packet = Packet()
    private let target: String
    /// The output stream as the sinks must declare it, extradata included.
    public private(set) var stream: StreamInfo

    public convenience init(video settings: VideoEncoderSettings, streamIndex: Int) throws(AVError) {
        var x264Params = "keyint=\(settings.gopFrames):min-keyint=\(settings.gopFrames):scenecut=0"
        // A keyframe exactly every GOP needs closed GOPs; open-GOP would make them non-IDR.
        x264Params += ":open-gop=0"
        var options: [(String, String)] = [
            ("preset", settings.preset), ("tune", settings.tune), ("profile", settings.profile),
            ("x264-params", x264Params),
        ]
        if let level = settings.level { options.append(("level", level)) }
        try self.init(encoder: "libx264", streamIndex: streamIndex, options: options) { ctx in
            ctx.pointee.width = settings.width
            ctx.pointee.height = settings.height
            ctx.pointee.pix_fmt = AV_PIX_FMT_YUV420P
            ctx.pointee.time_base = AVRational(num: 1, den: settings.fps)
            ctx.pointee.framerate = AVRational(num: settings.fps, den: 1)
            ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
            ctx.pointee.gop_size = settings.gopFrames
            ctx.pointee.keyint_min = settings.gopFrames
            ctx.pointee.bit_rate = settings.bitRate
            ctx.pointee.rc_max_rate = settings.maxRate
            ctx.pointee.rc_buffer_size = Int32(clamping: settings.bufferSize)
        }
        stream.frameRate = Rational(settings.fps, 1)
    }

    public convenience init(audio settings: AudioEncoderSettings, streamIndex: Int) throws(AVError) {
        try self.init(encoder: "aac", streamIndex: streamIndex, options: []) { ctx in
            ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
            ctx.pointee.sample_rate = settings.sampleRate
            av_channel_layout_default(&ctx.pointee.ch_layout, settings.channels)
            ctx.pointee.time_base = AVRational(num: 1, den: settings.sampleRate)
            ctx.pointee.bit_rate = settings.bitRate
            ctx.pointee.profile = FF_PROFILE_AAC_LOW
        }
    }

    private init(
        encoder name: String, streamIndex: Int, options entries: [(String, String)],
        configure: (UnsafeMutablePointer<AVCodecContext>) -> Void
    ) throws(AVError) {
        target = "encoder \(name)"
        guard let codec = avcodec_find_encoder_by_name(name) else {
            throw AVError("encoder \"\(name)\" is not available in this libavcodec", operation: "avcodec_find_encoder_by_name", target: target)
        }
        context = try CodecContext(codec: codec, target: target)
        let ctx = context.raw
        configure(ctx)
        // FLV and MP4 carry SPS/PPS (AudioSpecificConfig) once, in the stream header.
        ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
        var options = OptionDictionary(entries)
        let status = avcodec_open2(ctx, codec, &options.raw)
        if status < 0 { throw AVError(code: status, operation: "avcodec_open2", target: target) }
        let unused = options.unused
        guard unused.isEmpty else {
            throw AVError("unknown option(s): \(unused.joined(separator: ", "))", operation: "avcodec_open2", target: target)
        }
        var extradata: [UInt8] = []
        if let bytes = ctx.pointee.extradata, ctx.pointee.extradata_size > 0 {
            extradata = Array(UnsafeBufferPointer(start: bytes, count: Int(ctx.pointee.extradata_size)))
        }
        let isVideo = ctx.pointee.codec_type == AVMEDIA_TYPE_VIDEO
        stream = StreamInfo(
            index: streamIndex, kind: isVideo ? .video : .audio,
            codec: String(cString: avcodec_get_name(ctx.pointee.codec_id)),
            timeBase: Rational(ctx.pointee.time_base.num, ctx.pointee.time_base.den), extradata: extradata,
            bitRate: ctx.pointee.bit_rate, profile: ctx.pointee.profile, level: ctx.pointee.level,
            width: ctx.pointee.width, height: ctx.pointee.height,
            pixelFormat: isVideo ? "yuv420p" : nil,
            sampleRate: ctx.pointee.sample_rate, channels: ctx.pointee.ch_layout.nb_channels,
            sampleFormat: isVideo ? nil : "fltp", frameSize: ctx.pointee.frame_size)
    }

    /// Samples per channel every audio frame must have (1024 for AAC).
    public var frameSize: Int32 { context.raw.pointee.frame_size }

    /// Encodes `frame` (its pts in `stream.timeBase`) and appends whatever packets are ready.
    public func encode(_ frame: Frame, into output: inout [MediaPacket]) throws(AVError) {
        try send(frame.raw, into: &output)
    }

    /// Takes `samples` from the resampler's fifo as one frame with pts `pts` and encodes it.
    public func encode(
        from fifo: AudioFifo, samples: Int32, pts: Int64, using scratch: Frame, into output: inout [MediaPacket]
    ) throws(AVError) {
        try fifo.read(samples, into: scratch, sampleRate: context.raw.pointee.sample_rate)
        scratch.pts = pts
        try send(scratch.raw, into: &output)
    }

    /// Ends the input and appends every packet the encoder still holds.
    public func flush(into output: inout [MediaPacket]) throws(AVError) {
        try send(nil, into: &output)
    }

    private func send(_ frame: UnsafeMutablePointer<AVFrame>?, into output: inout [MediaPacket]) throws(AVError) {
        let status = avcodec_send_frame(context.raw, frame)
        if status < 0, !(frame == nil && status == AVError.eof) {
            throw AVError(code: status, operation: "avcodec_send_frame", target: target)
        }
        while true {
            let received = avcodec_receive_packet(context.raw, packet.raw)
            if received == AVError.again || received == AVError.eof { return }
            if received < 0 { throw AVError(code: received, operation: "avcodec_receive_packet", target: target) }
            defer { packet.unref() }
            let raw = packet.raw.pointee
            let noValue = relaygate_nopts_value()
            output.append(
                MediaPacket(
                    streamIndex: stream.index, pts: raw.pts == noValue ? nil : raw.pts,
                    dts: raw.dts == noValue ? nil : raw.dts, duration: raw.duration,
                    isKeyframe: raw.flags & AV_PKT_FLAG_KEY != 0,
                    data: raw.data.map { Array(UnsafeBufferPointer(start: $0, count: Int(raw.size))) } ?? []))
        }
    }
}
