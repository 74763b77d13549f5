internal import CFFmpeg

/// Sole owner of an `AVAudioFifo`: collects resampled audio so the encoder gets frames of
/// exactly its frame size (1024 for AAC) whatever sizes the decoder produced.
public final class AudioFifo {
    let raw: OpaquePointer
    let sampleFormat: AVSampleFormat
    let channels: Int32

    init(sampleFormat: AVSampleFormat, channels: Int32) throws(AVError) {
        guard let raw = av_audio_fifo_alloc(sampleFormat, channels, 4096) else {
            throw AVError(code: relaygate_averror(ENOMEM), operation: "av_audio_fifo_alloc", target: "audio fifo")
        }
        self.raw = raw
        self.sampleFormat = sampleFormat
        self.channels = channels
    }

    public var count: Int32 { av_audio_fifo_size(raw) }

    /// Appends `frame`'s samples except its first `skipping`.
    func write(_ frame: Frame, skipping: Int32 = 0) throws(AVError) {
        let written = relaygate_audio_fifo_write_from(raw, frame.raw, skipping)
        if written < 0 { throw AVError(code: written, operation: "av_audio_fifo_write", target: "audio fifo") }
    }

    /// Appends `samples` of silence (a gap in the source's audio, or no audio at all).
    public func appendSilence(_ samples: Int64) throws(AVError) {
        let silence = try silentChunk()
        var left = samples
        while left > 0 {
            let chunk = Int32(min(left, Int64(Self.silenceChunk)))
            let written = av_audio_fifo_write(raw, relaygate_frame_data(silence.raw), chunk)
            if written < 0 { throw AVError(code: written, operation: "av_audio_fifo_write", target: "audio fifo") }
            left -= Int64(chunk)
        }
    }

    private static let silenceChunk: Int32 = 4096
    private var silence: Frame?

    /// One silent frame, made on first use and reused for every gap.
    private func silentChunk() throws(AVError) -> Frame {
        if let silence { return silence }
        let made = Frame()
        let frame = made.raw
        frame.pointee.nb_samples = Self.silenceChunk
        frame.pointee.format = sampleFormat.rawValue
        av_channel_layout_default(&frame.pointee.ch_layout, channels)
        var status = av_frame_get_buffer(frame, 0)
        if status >= 0 {
            status = av_samples_set_silence(frame.pointee.extended_data, 0, Self.silenceChunk, channels, sampleFormat)
        }
        if status < 0 { throw AVError(code: status, operation: "av_samples_set_silence", target: "audio fifo") }
        silence = made
        return made
    }

    /// Moves `samples` (or fewer, if fewer are queued) into `frame`, set up for `layout`/`rate`.
    func read(_ samples: Int32, into frame: Frame, sampleRate: Int32) throws(AVError) {
        let raw = frame.raw
        frame.unref()
        raw.pointee.nb_samples = samples
        raw.pointee.format = sampleFormat.rawValue
        raw.pointee.sample_rate = sampleRate
        av_channel_layout_default(&raw.pointee.ch_layout, channels)
        var status = av_frame_get_buffer(raw, 0)
        if status < 0 { throw AVError(code: status, operation: "av_frame_get_buffer", target: "audio fifo") }
        let available = min(samples, count)
        status = relaygate_audio_fifo_read(self.raw, raw, available)
        if status < 0 { throw AVError(code: status, operation: "av_audio_fifo_read", target: "audio fifo") }
        // A short last frame is padded with silence: AAC frames are always full size.
        if available < samples {
            av_samples_set_silence(
                raw.pointee.extended_data, available, samples - available, channels, sampleFormat)
        }
    }

    deinit { av_audio_fifo_free(raw) }
}

#if canImport(Glibc)
import Glibc
#endif
