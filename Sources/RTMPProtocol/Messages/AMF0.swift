package import NIOCore

/// Whole-message AMF0 decoding, and the limits that keep hostile input cheap.
package enum AMF0 {
    /// Objects and arrays nested deeper than this are refused. Real commands and metadata
    /// nest two or three levels; the bound keeps the recursive reader's stack small.
    static let maximumNestingDepth = 32

    /// Every value in `bytes`, in order (e.g. a data message: `"@setDataFrame"`,
    /// `"onMetaData"`, an ECMA array).
    ///
    /// - Throws: `RTMPProtocolError` when a value is malformed, unsupported, or cut off
    ///   before its end.
    package static func decodeAll(_ bytes: some Collection<UInt8>) throws -> [AMF0Value] {
        try self.decodeAll(ByteBuffer(bytes: bytes))
    }

    /// Every value in the readable bytes of `buffer`, in order, without copying them.
    package static func decodeAll(_ buffer: ByteBuffer) throws -> [AMF0Value] {
        var buffer = buffer
        var values: [AMF0Value] = []
        while buffer.readableBytes > 0 {
            guard let value = try buffer.readAMF0Value() else {
                throw RTMPProtocolError.truncatedAMF0
            }
            values.append(value)
        }
        return values
    }
}
