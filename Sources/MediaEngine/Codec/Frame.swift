internal import CFFmpeg

/// Sole owner of one `AVFrame`, reused frame after frame (decoders and encoders reference
/// its buffers, never the struct). Public so a transcoder can pass frames between stages
/// without seeing libav's types.
public final class Frame {
    let raw: UnsafeMutablePointer<AVFrame>

    public init() {
        guard let raw = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        self.raw = raw
    }

    /// Presentation time in the time base of whoever produced the frame; nil if unknown. For
    /// a decoded frame this is libav's best-effort timestamp (it repairs missing or
    /// reordered pts); setting it sets the pts an encoder reads.
    public var pts: Int64? {
        get {
            let best = raw.pointee.best_effort_timestamp
            let value = best != relaygate_nopts_value() ? best : raw.pointee.pts
            return value == relaygate_nopts_value() ? nil : value
        }
        set { raw.pointee.pts = newValue ?? relaygate_nopts_value() }
    }

    public var width: Int32 { raw.pointee.width }
    public var height: Int32 { raw.pointee.height }
    /// Audio samples per channel.
    public var sampleCount: Int32 { raw.pointee.nb_samples }

    /// Drops the buffers so the frame can be filled again.
    public func unref() { av_frame_unref(raw) }

    deinit {
        var raw: UnsafeMutablePointer<AVFrame>? = raw
        av_frame_free(&raw)
    }
}
