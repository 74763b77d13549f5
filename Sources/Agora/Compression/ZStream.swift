import CZlib

/// One zlib stream, deflating or inflating, owned by exactly one value.
///
/// The `z_stream` lives on the heap because zlib keeps a pointer back to it and rejects a
/// stream that has moved. The type is non-copyable, so the stream is ended and freed once,
/// in `deinit`, and never used after that.
struct ZStream: ~Copyable {
    enum Direction { case deflate, inflate }

    private let stream: UnsafeMutablePointer<z_stream>
    private let direction: Direction

    init(_ direction: Direction) throws(ZlibError) {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let size = Int32(MemoryLayout<z_stream>.size)
        let code =
            switch direction {
            case .deflate: deflateInit_(stream, Z_DEFAULT_COMPRESSION, ZLIB_VERSION, size)
            case .inflate: inflateInit_(stream, ZLIB_VERSION, size)
            }
        guard code == Z_OK else {
            // A failed init leaves nothing for deflateEnd/inflateEnd to free.
            let error = Self.error(code, stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw error
        }
        self.stream = stream
        self.direction = direction
    }

    deinit {
        switch direction {
        case .deflate: _ = deflateEnd(stream)
        case .inflate: _ = inflateEnd(stream)
        }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Feeds all of `input` and returns everything the stream produces up to its end.
    /// Throws when zlib reports an error, when inflate input ends before the compressed
    /// stream does, or when the output would exceed `outputLimit` bytes.
    mutating func run(_ input: [UInt8], outputLimit: Int) throws(ZlibError) -> [UInt8] {
        let (stream, direction) = (self.stream, self.direction)
        var input = input
        var output: [UInt8] = []
        let outcome = input.withUnsafeMutableBufferPointer { source in
            stream.pointee.next_in = source.baseAddress
            stream.pointee.avail_in = UInt32(source.count)
            defer {
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            return Self.step(stream, direction, into: &output, outputLimit: outputLimit)
        }
        switch outcome {
        case .finished: return output
        case .outputTooLarge: throw ZlibError(code: Z_BUF_ERROR, message: "output exceeds \(outputLimit) bytes")
        case .stopped(Z_BUF_ERROR):
            throw ZlibError(code: Z_BUF_ERROR, message: "input ends before the compressed stream does")
        case .stopped(let code): throw Self.error(code, stream)
        }
    }

    private enum Outcome {
        /// The stream reached its end.
        case finished
        case outputTooLarge
        /// zlib returned this code instead of Z_OK or Z_STREAM_END.
        case stopped(Int32)
    }

    private static func step(
        _ stream: UnsafeMutablePointer<z_stream>, _ direction: Direction, into output: inout [UInt8], outputLimit: Int
    ) -> Outcome {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let (code, produced) = chunk.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = UInt32(target.count)
                let code =
                    switch direction {
                    case .deflate: CZlib.deflate(stream, Z_FINISH)
                    case .inflate: CZlib.inflate(stream, Z_NO_FLUSH)
                    }
                return (code, target.count - Int(stream.pointee.avail_out))
            }
            if output.count + produced > outputLimit { return .outputTooLarge }
            output += chunk[..<produced]
            switch code {
            case Z_OK: continue  // progress made, more to do
            case Z_STREAM_END: return .finished
            default: return .stopped(code)
            }
        }
    }

    private static func error(_ code: Int32, _ stream: UnsafeMutablePointer<z_stream>) -> ZlibError {
        let message = stream.pointee.msg.map { String(cString: $0) } ?? String(cString: zError(code))
        return ZlibError(code: code, message: message)
    }
}
