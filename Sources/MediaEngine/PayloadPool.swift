internal import CFFmpeg

/// Reference-counted packet buffers for the muxer, recycled through an `AVBufferPool` so a
/// steady stream of packets costs one copy each and no large allocation. The interleaving
/// queue holds references until it writes, so buffers must be refcounted, not borrowed.
struct PayloadPool: ~Copyable {
    private var pool: OpaquePointer?
    private var bufferSize = 0
    private static let padding = Int(AV_INPUT_BUFFER_PADDING_SIZE)

    /// A buffer holding a copy of `bytes` followed by zeroed padding, owned by the caller.
    mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<AVBufferRef>? {
        let needed = bytes.count + PayloadPool.padding
        if needed > bufferSize {
            // Outstanding buffers of the old pool stay valid; it is freed when they return.
            av_buffer_pool_uninit(&pool)
            bufferSize = max(needed.roundedUpToPowerOfTwo, 64 * 1024)
            pool = av_buffer_pool_init(bufferSize, nil)
        }
        guard let buffer = av_buffer_pool_get(pool), let data = buffer.pointee.data else { return nil }
        if let base = bytes.baseAddress { data.update(from: base, count: bytes.count) }
        (data + bytes.count).initialize(repeating: 0, count: PayloadPool.padding)
        return buffer
    }

    deinit {
        var pool = pool
        av_buffer_pool_uninit(&pool)
    }
}

extension Int {
    fileprivate var roundedUpToPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
