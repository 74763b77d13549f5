internal import CFFmpeg
public import RelayCore

/// Filler for a relay that copies its source and so has no encoder of its own, while the
/// source is away: H.264 at the source's size and rate (the route's slate image, or black), and silent AAC at the
/// source's sample rate, on the source's stream indices. Only streams of those codecs get
/// slate (a copy can only switch between configurations of one codec).
///
/// Packets have timestamps in µs (`SlateEncoder.timeBase`), starting at `startUs`; each
/// stream starts with a keyframe and has no B-frames (dts = pts).
public final class SlateEncoder {
    public static let timeBase = Rational(1, 1_000_000)
    private let video: Encoder?
    private let audio: Encoder?
    private let startUs: Int64
    private let fps: Int64
    private let picture: Frame
    private let scratch = Frame()
    private let fifo: AudioFifo?
    private var framesEncoded: Int64 = 0
    private var samplesEncoded: Int64 = 0

    /// Codec configuration per stream index, to announce before the first slate packet.
    public var extradata: [Int: [UInt8]] {
        var result: [Int: [UInt8]] = [:]
        for stream in [video?.stream, audio?.stream].compactMap({ $0 }) { result[stream.index] = stream.extradata }
        return result
    }

    public init(video source: StreamInfo?, audio sourceAudio: StreamInfo?, startUs: Int64, image: Frame? = nil) throws(AVError) {
        self.startUs = startUs
        var fps: Int64 = 25
        if let rate = source?.frameRate, rate.isValid, rate.doubleValue >= 1 {
            fps = min(60, Int64(rate.doubleValue.rounded()))
        }
        self.fps = fps
        if let source, source.codec == "h264", source.width > 0, source.height > 0 {
            // A still picture costs next to nothing; a keyframe a second lets HLS cut segments.
            video = try Encoder(
                video: VideoEncoderSettings(
                    width: source.width & ~1, height: source.height & ~1, fps: Int32(fps), bitRate: 200_000,
                    maxRate: 400_000, bufferSize: 400_000, gopFrames: Int32(fps), preset: "ultrafast",
                    tune: "zerolatency", profile: "high", level: nil),
                streamIndex: source.index)
            if let image {
                picture = try Scaler.fitting(image, width: source.width & ~1, height: source.height & ~1)
            } else {
                picture = Frame()
                let raw = picture.raw
                raw.pointee.width = source.width & ~1
                raw.pointee.height = source.height & ~1
                raw.pointee.format = AV_PIX_FMT_YUV420P.rawValue
                let status = av_frame_get_buffer(raw, 0)
                if status < 0 { throw AVError(code: status, operation: "av_frame_get_buffer", target: "slate") }
                relaygate_fill_black_yuv420p(raw)
            }
        } else {
            video = nil
            picture = Frame()
        }
        if let sourceAudio, sourceAudio.codec == "aac", sourceAudio.sampleRate > 0 {
            let channels = min(max(sourceAudio.channels, 1), 2)
            audio = try Encoder(
                audio: AudioEncoderSettings(sampleRate: sourceAudio.sampleRate, channels: channels, bitRate: 64_000),
                streamIndex: sourceAudio.index)
            fifo = try AudioFifo(sampleFormat: AV_SAMPLE_FMT_FLTP, channels: channels)
        } else {
            audio = nil
            fifo = nil
        }
    }

    /// Appends slate up to `untilUs` (µs since the slate's start).
    public func fill(untilUs: Int64, into output: inout [MediaPacket]) throws(AVError) {
        let first = output.count
        try encode(untilUs: untilUs, into: &output)
        for i in first..<output.count {
            let from = output[i].streamIndex == video?.stream.index ? video?.stream.timeBase : audio?.stream.timeBase
            guard let from else { continue }
            let place = { (value: Int64) in from.rescale(value, to: Self.timeBase) + self.startUs }
            output[i].pts = output[i].pts.map(place)
            output[i].dts = output[i].dts.map(place)
            output[i].duration = from.rescale(output[i].duration, to: Self.timeBase)
        }
    }

    private func encode(untilUs: Int64, into output: inout [MediaPacket]) throws(AVError) {
        if let video {
            let frames = untilUs * fps / 1_000_000
            while framesEncoded < frames {
                picture.pts = framesEncoded
                try video.encode(picture, into: &output)
                framesEncoded += 1
            }
        }
        if let audio, let fifo {
            let rate = Int64(audio.stream.sampleRate)
            let frameSize = Int64(audio.frameSize)
            while samplesEncoded + frameSize <= untilUs * rate / 1_000_000 {
                try fifo.appendSilence(frameSize)
                try audio.encode(from: fifo, samples: Int32(frameSize), pts: samplesEncoded, using: scratch, into: &output)
                samplesEncoded += frameSize
            }
        }
    }
}
