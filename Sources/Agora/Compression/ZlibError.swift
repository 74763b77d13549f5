/// A zlib failure: the return code and the text zlib gave for it.
public struct ZlibError: Error, Sendable, Equatable, CustomStringConvertible {
    /// zlib's return code (`Z_DATA_ERROR`, `Z_BUF_ERROR`, …).
    public let code: Int32
    /// zlib's own message (`z_stream.msg`), else its text for the code.
    public let message: String

    public var description: String { "zlib error \(code): \(message)" }
}
