internal import CFFmpeg
import RelayCore

extension StreamInfo {
    /// Copies what a stream carries out of libav. Returns nil for streams a relay does not
    /// carry (data streams such as FLV onMetaData, subtitles, attachments).
    init?(stream: UnsafeMutablePointer<AVStream>, index: Int) {
        guard let par = stream.pointee.codecpar?.pointee else { return nil }
        let kind: Kind
        switch par.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        default: return nil
        }
        var extradata: [UInt8] = []
        if let bytes = par.extradata, par.extradata_size > 0 {
            extradata = Array(UnsafeBufferPointer(start: bytes, count: Int(par.extradata_size)))
        }
        var frameRate: Rational?
        if kind == .video {
            for rate in [stream.pointee.avg_frame_rate, stream.pointee.r_frame_rate] where rate.num > 0 && rate.den > 0 {
                frameRate = Rational(rate.num, rate.den)
                break
            }
        }
        self.init(
            index: index, kind: kind, codec: String(cString: avcodec_get_name(par.codec_id)),
            timeBase: Rational(stream.pointee.time_base.num, stream.pointee.time_base.den),
            extradata: extradata, bitRate: par.bit_rate, profile: par.profile, level: par.level,
            width: par.width, height: par.height, frameRate: frameRate,
            pixelFormat: kind == .video ? av_get_pix_fmt_name(AVPixelFormat(par.format)).map { String(cString: $0) } : nil,
            sampleRate: par.sample_rate, channels: par.ch_layout.nb_channels,
            sampleFormat: kind == .audio
                ? av_get_sample_fmt_name(AVSampleFormat(par.format)).map { String(cString: $0) } : nil,
            frameSize: par.frame_size)
    }

    /// Fills a new output stream's parameters from this description (stream copy).
    func apply(to par: UnsafeMutablePointer<AVCodecParameters>) throws(AVError) {
        guard let descriptor = avcodec_descriptor_get_by_name(codec) else {
            throw AVError("unknown codec \"\(codec)\"", operation: "create stream", target: summary)
        }
        par.pointee.codec_type = kind == .video ? AVMEDIA_TYPE_VIDEO : AVMEDIA_TYPE_AUDIO
        par.pointee.codec_id = descriptor.pointee.id
        // Let the muxer choose its own tag; the source container's tag means nothing here.
        par.pointee.codec_tag = 0
        par.pointee.bit_rate = bitRate
        par.pointee.profile = profile
        par.pointee.level = level
        if !extradata.isEmpty {
            let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)
            guard let buffer = av_mallocz(extradata.count + padding)?.assumingMemoryBound(to: UInt8.self) else {
                throw AVError(code: relaygate_averror(ENOMEM), operation: "av_mallocz", target: summary)
            }
            extradata.withUnsafeBufferPointer { buffer.update(from: $0.baseAddress!, count: $0.count) }
            par.pointee.extradata = buffer
            par.pointee.extradata_size = Int32(extradata.count)
        }
        switch kind {
        case .video:
            par.pointee.width = width
            par.pointee.height = height
            par.pointee.format = pixelFormat.map { av_get_pix_fmt($0).rawValue } ?? -1
        default:
            par.pointee.sample_rate = sampleRate
            par.pointee.frame_size = frameSize
            par.pointee.format = sampleFormat.map { av_get_sample_fmt($0).rawValue } ?? -1
            av_channel_layout_uninit(&par.pointee.ch_layout)
            av_channel_layout_default(&par.pointee.ch_layout, max(channels, 1))
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
