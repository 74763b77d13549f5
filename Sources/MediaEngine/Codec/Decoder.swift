internal import CFFmpeg
public import RelayCore

/// Decodes one stream's packets into frames (send/receive, as libavcodec does).
public final class Decoder {
    private let context: CodecContext
    private let packet = Packet()
    private let target: String
    public let stream: StreamInfo

    public init(stream: StreamInfo) throws(AVError) {
        target = "decoder \(stream.summary)"
        self.stream = stream
        guard let descriptor = avcodec_descriptor_get_by_name(stream.codec),
            let codec = avcodec_find_decoder(descriptor.pointee.id)
        else { throw AVError("no decoder for codec \"\(stream.codec)\"", operation: "avcodec_find_decoder", target: target) }
        context = try CodecContext(codec: codec, target: target)
        guard let parameters = avcodec_parameters_alloc() else {
            throw AVError(code: relaygate_averror(ENOMEM), operation: "avcodec_parameters_alloc", target: target)
        }
        var owned: UnsafeMutablePointer<AVCodecParameters>? = parameters
        defer { avcodec_parameters_free(&owned) }
        try stream.apply(to: parameters)
        try check(avcodec_parameters_to_context(context.raw, parameters), "avcodec_parameters_to_context")
        context.raw.pointee.pkt_timebase = AVRational(num: stream.timeBase.num, den: stream.timeBase.den)
        try check(avcodec_open2(context.raw, codec, nil), "avcodec_open2")
    }

    /// Queues one compressed packet. Returns false when the decoder is full: receive first.
    public func send(_ input: MediaPacket) throws(AVError) -> Bool {
        let raw = packet.raw
        defer { packet.unref() }
        try check(av_new_packet(raw, Int32(input.data.count)), "av_new_packet")
        input.data.withUnsafeBufferPointer { bytes in
            if let base = bytes.baseAddress { raw.pointee.data.update(from: base, count: bytes.count) }
        }
        raw.pointee.pts = input.pts ?? relaygate_nopts_value()
        raw.pointee.dts = input.dts ?? relaygate_nopts_value()
        raw.pointee.duration = input.duration
        if input.isKeyframe { raw.pointee.flags |= AV_PKT_FLAG_KEY }
        // Without this an MP4's AAC priming comes out as audio, 21 ms before the first picture.
        if input.discardSamples != (0, 0) {
            guard let side = av_packet_new_side_data(raw, AV_PKT_DATA_SKIP_SAMPLES, 10) else {
                throw AVError(code: relaygate_averror(ENOMEM), operation: "av_packet_new_side_data", target: target)
            }
            for i in 0..<4 {
                side[i] = UInt8(truncatingIfNeeded: input.discardSamples.start >> (8 * i))
                side[4 + i] = UInt8(truncatingIfNeeded: input.discardSamples.end >> (8 * i))
            }
            side[8] = 0
            side[9] = 0
        }
        let status = avcodec_send_packet(context.raw, raw)
        if status == AVError.again { return false }
        // A damaged packet is skipped, as players do; the next keyframe recovers.
        if status == relaygate_averror_invaliddata() { return true }
        try check(status, "avcodec_send_packet")
        return true
    }

    /// Tells the decoder the input has ended, so `receive` drains what it holds.
    public func sendEnd() throws(AVError) {
        let status = avcodec_send_packet(context.raw, nil)
        if status == AVError.eof { return }
        try check(status, "avcodec_send_packet")
    }

    /// The next decoded frame into `frame`; false when more input is needed or all is drained.
    public func receive(into frame: Frame) throws(AVError) -> Bool {
        frame.unref()
        let status = avcodec_receive_frame(context.raw, frame.raw)
        if status == AVError.again || status == AVError.eof { return false }
        // Bad data in a frame is not fatal for a live stream; ask for the next one.
        if status == relaygate_averror_invaliddata() { return false }
        try check(status, "avcodec_receive_frame")
        return true
    }

    private func check(_ status: Int32, _ operation: String) throws(AVError) {
        if status < 0 { throw AVError(code: status, operation: operation, target: target) }
    }
}
