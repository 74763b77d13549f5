import RelayCore

/// A still picture (PNG or JPEG file) decoded once: the configured slate of a route.
public enum StillImage {
    /// Only image demuxers: a slate path cannot be made to read media or playlists.
    static let formats = "image2,png_pipe,jpeg_pipe"

    /// The decoded picture at `path`, or nil without a path. A file that cannot be read as a
    /// picture is a configuration error of the route.
    public static func slate(_ path: String?) throws -> Frame? {
        guard let path else { return nil }
        do {
            return try load(path)
        } catch {
            throw RelayError(.configuration, "slate_image: \(error)")
        }
    }

    static func load(_ path: String) throws(AVError) -> Frame {
        let demuxer = try Demuxer(try MediaLocation.file(path), stop: StopSignal(), openTimeout: .seconds(5), formats: formats)
        defer { demuxer.close() }
        guard let stream = demuxer.streams.first(where: { $0.kind == .video }) else {
            throw AVError("not a picture", operation: "open", target: path)
        }
        let decoder = try Decoder(stream: stream)
        let frame = Frame()
        while let packet = try demuxer.read() {
            guard packet.streamIndex == stream.index else { continue }
            _ = try decoder.send(packet)
            if try decoder.receive(into: frame) { return frame }
        }
        try decoder.sendEnd()
        if try decoder.receive(into: frame) { return frame }
        throw AVError("no picture decoded", operation: "decode", target: path)
    }
}
