internal import CFFmpeg

/// Sole owner of one `AVCodecContext`, shared by `Decoder` and `Encoder`.
final class CodecContext {
    let raw: UnsafeMutablePointer<AVCodecContext>

    init(codec: UnsafePointer<AVCodec>, target: String) throws(AVError) {
        guard let raw = avcodec_alloc_context3(codec) else {
            throw AVError(code: relaygate_averror(ENOMEM), operation: "avcodec_alloc_context3", target: target)
        }
        self.raw = raw
    }

    deinit {
        var raw: UnsafeMutablePointer<AVCodecContext>? = raw
        avcodec_free_context(&raw)
    }
}

#if canImport(Glibc)
import Glibc
#endif
