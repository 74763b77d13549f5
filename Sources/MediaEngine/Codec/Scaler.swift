internal import CFFmpeg

/// Converts decoded video frames to yuv420p on a canvas of a fixed size, drawing the
/// picture into `placement` (a sub-rectangle when letterboxing) and black around it.
/// The source size and format are read from each frame, so a source that changes
/// resolution mid-stream keeps the same output size.
public final class Scaler {
    public struct Rect: Sendable, Equatable {
        public var x, y, width, height: Int32
        public init(x: Int32, y: Int32, width: Int32, height: Int32) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }
    }

    public let canvasWidth: Int32
    public let canvasHeight: Int32
    public let placement: Rect
    private var context: OpaquePointer?
    private var sourceWidth: Int32 = 0
    private var sourceHeight: Int32 = 0
    private var sourceFormat: Int32 = -1

    public init(canvasWidth: Int32, canvasHeight: Int32, placement: Rect) {
        self.canvasWidth = canvasWidth
        self.canvasHeight = canvasHeight
        self.placement = placement
    }

    /// `frame` scaled to fit a canvas of `width` × `height`, centred, aspect kept.
    public static func fitting(_ frame: Frame, width: Int32, height: Int32) throws(AVError) -> Frame {
        let scale = min(Double(width) / Double(max(frame.width, 1)), Double(height) / Double(max(frame.height, 1)))
        let pictureWidth = min(width, max(2, Int32((Double(frame.width) * scale / 2).rounded()) * 2))
        let pictureHeight = min(height, max(2, Int32((Double(frame.height) * scale / 2).rounded()) * 2))
        let scaler = Scaler(
            canvasWidth: width, canvasHeight: height,
            placement: Rect(
                x: (width - pictureWidth) / 2 & ~1, y: (height - pictureHeight) / 2 & ~1, width: pictureWidth,
                height: pictureHeight))
        let output = Frame()
        try scaler.scale(frame, into: output)
        return output
    }

    /// Scales `source` into `output`'s buffer (replaced if someone else still references it).
    /// Copies the source's pts.
    public func scale(_ source: Frame, into output: Frame) throws(AVError) {
        let src = source.raw
        if context == nil || src.pointee.width != sourceWidth || src.pointee.height != sourceHeight
            || src.pointee.format != sourceFormat
        {
            sws_freeContext(context)
            sourceWidth = src.pointee.width
            sourceHeight = src.pointee.height
            sourceFormat = src.pointee.format
            context = sws_getContext(
                sourceWidth, sourceHeight, AVPixelFormat(sourceFormat), placement.width, placement.height,
                AV_PIX_FMT_YUV420P, SWS_BICUBIC, nil, nil, nil)
            guard context != nil else {
                throw AVError(
                    "cannot convert \(sourceWidth)x\(sourceHeight) to \(placement.width)x\(placement.height)",
                    operation: "sws_getContext", target: "scaler")
            }
        }
        let dst = output.raw
        // The encoder has normally released the previous picture by now (libx264 copies its
        // input), so the buffer is reused; a new one only if it is still referenced. A reused
        // buffer's bars are still black: only the placement is drawn over.
        let reusable = dst.pointee.width == canvasWidth && dst.pointee.height == canvasHeight
            && dst.pointee.format == AV_PIX_FMT_YUV420P.rawValue && av_frame_is_writable(dst) != 0
        if !reusable {
            output.unref()
            dst.pointee.width = canvasWidth
            dst.pointee.height = canvasHeight
            dst.pointee.format = AV_PIX_FMT_YUV420P.rawValue
            try check(av_frame_get_buffer(dst, 0), "av_frame_get_buffer")
            if placement.width != canvasWidth || placement.height != canvasHeight { relaygate_fill_black_yuv420p(dst) }
        }
        try check(relaygate_sws_scale_placed(context, src, dst, placement.x, placement.y), "sws_scale")
        dst.pointee.pts = source.pts ?? relaygate_nopts_value()
    }

    private func check(_ status: Int32, _ operation: String) throws(AVError) {
        if status < 0 { throw AVError(code: status, operation: operation, target: "scaler") }
    }

    deinit { sws_freeContext(context) }
}
