internal import CFFmpeg

/// Sole owner of one `AVPacket`: allocated once and reused for every packet, so reading and
/// writing allocate no packet structs per packet. Never handed out; callers copy what they need.
struct Packet: ~Copyable {
    let raw: UnsafeMutablePointer<AVPacket>

    init() {
        guard let raw = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        self.raw = raw
    }

    /// Drops the payload reference so the struct can be reused.
    func unref() { av_packet_unref(raw) }

    deinit {
        var raw: UnsafeMutablePointer<AVPacket>? = raw
        av_packet_free(&raw)
    }
}
