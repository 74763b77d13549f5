internal import CFFmpeg

/// Converts decoded audio of any rate, layout and sample format to planar float at the
/// encoder's rate and channel count, appending the result to an `AudioFifo`. Configured
/// from the first frame, and again whenever the input's format changes.
public final class Resampler {
    public let sampleRate: Int32
    public let channels: Int32
    public let fifo: AudioFifo
    private var context: OpaquePointer?
    private var inputKey: (rate: Int32, format: Int32, channels: Int32) = (0, -1, 0)
    private let converted = Frame()

    public init(sampleRate: Int32, channels: Int32) throws(AVError) {
        self.sampleRate = sampleRate
        self.channels = channels
        fifo = try AudioFifo(sampleFormat: AV_SAMPLE_FMT_FLTP, channels: channels)
    }

    /// Converts `frame` into the fifo, leaving out up to `dropping` of the converted samples
    /// at its start (audio that overlaps what the output already has). Returns how many
    /// were left out.
    @discardableResult
    public func convert(_ frame: Frame, dropping: Int64 = 0) throws(AVError) -> Int64 {
        let src = frame.raw
        let key = (src.pointee.sample_rate, src.pointee.format, src.pointee.ch_layout.nb_channels)
        if context == nil || key != inputKey {
            try drain()
            try configure(src)
            inputKey = key
        }
        return try run(src, dropping: dropping)
    }

    /// Pushes out what the resampler still holds (its filter delay).
    public func drain() throws(AVError) {
        guard context != nil else { return }
        try run(nil, dropping: 0)
    }

    private func configure(_ src: UnsafeMutablePointer<AVFrame>) throws(AVError) {
        swr_free(&context)
        var inLayout = AVChannelLayout()
        defer { av_channel_layout_uninit(&inLayout) }
        if src.pointee.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC {
            av_channel_layout_default(&inLayout, src.pointee.ch_layout.nb_channels)
        } else {
            let copied = av_channel_layout_copy(&inLayout, &src.pointee.ch_layout)
            if copied < 0 { throw AVError(code: copied, operation: "av_channel_layout_copy", target: "resampler") }
        }
        var outLayout = AVChannelLayout()
        av_channel_layout_default(&outLayout, channels)
        defer { av_channel_layout_uninit(&outLayout) }
        var status = swr_alloc_set_opts2(
            &context, &outLayout, AV_SAMPLE_FMT_FLTP, sampleRate, &inLayout, AVSampleFormat(src.pointee.format),
            src.pointee.sample_rate, 0, nil)
        if status >= 0 { status = swr_init(context) }
        if status < 0 {
            swr_free(&context)
            throw AVError(code: status, operation: "swr_init", target: "resampler")
        }
    }

    @discardableResult
    private func run(_ src: UnsafeMutablePointer<AVFrame>?, dropping: Int64) throws(AVError) -> Int64 {
        let out = converted.raw
        converted.unref()
        av_channel_layout_default(&out.pointee.ch_layout, channels)
        out.pointee.sample_rate = sampleRate
        out.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        let status = swr_convert_frame(context, out, src)
        if status < 0 { throw AVError(code: status, operation: "swr_convert_frame", target: "resampler") }
        let dropped = min(dropping, Int64(out.pointee.nb_samples))
        if out.pointee.nb_samples > 0 { try fifo.write(converted, skipping: Int32(dropped)) }
        return dropped
    }

    deinit { swr_free(&context) }
}
