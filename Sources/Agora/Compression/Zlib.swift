/// One-shot zlib (RFC 1950) compression, as AccessToken2 carries its payload.
enum Zlib {
    static func deflate(_ bytes: [UInt8]) throws(ZlibError) -> [UInt8] {
        var stream = try ZStream(.deflate)
        return try stream.run(bytes, outputLimit: .max)
    }

    /// `outputLimit` bounds what a small hostile input may expand to.
    static func inflate(_ bytes: [UInt8], outputLimit: Int) throws(ZlibError) -> [UInt8] {
        var stream = try ZStream(.inflate)
        return try stream.run(bytes, outputLimit: outputLimit)
    }
}
