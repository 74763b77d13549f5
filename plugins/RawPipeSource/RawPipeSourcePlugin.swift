public import RelayCore

/// Source `rawpipe`: raw video (yuv420p at a declared size and rate) and raw audio (s16le
/// at a declared rate and channel count) read from two named pipes or one unix socket — the
/// integration point for capture programs built on other SDKs. Output is raw, so routes need
/// an h264 profile.
public enum RawPipeSourcePlugin: SourcePlugin {
    public static let type = "rawpipe"
    /// rawvideo + PCM: a route must encode it (an h264 profile), never pass it through.
    public static let producesRawMedia = true

    public enum Clock: String, Codable, Sendable, CaseIterable {
        /// A chunk's time is when it arrived.
        case arrival
        /// Frame n is at n/fps and audio at its sample count; released in real time.
        case declared
    }

    public struct Video: Codable, Sendable, Equatable {
        /// Absolute path of the FIFO; may contain `{channel}` variables. Nil with `socket`.
        public var path: String?
        public var width: Int
        public var height: Int
        public var fps: Int

        public init(path: String?, width: Int, height: Int, fps: Int) {
            self.path = path
            self.width = width
            self.height = height
            self.fps = fps
        }

        /// One yuv420p frame: a full-size Y plane and quarter-size U and V planes.
        public var frameBytes: Int { width * height * 3 / 2 }
    }

    public struct Audio: Codable, Sendable, Equatable {
        /// Absolute path of the FIFO; may contain `{channel}` variables. Nil with `socket`.
        public var path: String?
        public var sampleRate: Int
        public var channels: Int

        public init(path: String?, sampleRate: Int, channels: Int) {
            self.path = path
            self.sampleRate = sampleRate
            self.channels = channels
        }

        /// Audio goes out in 20 ms packets (rounded down to whole samples), a usual encoder frame.
        public var samplesPerChunk: Int { sampleRate / 50 }
        public var chunkBytes: Int { samplesPerChunk * channels * 2 }
    }

    public struct Options: PluginOptions {
        public var video: Video
        /// Nil: video only.
        public var audio: Audio?
        /// Absolute path of a unix socket carrying both streams (`SocketFraming`), instead
        /// of the two FIFOs; may contain `{channel}` variables.
        public var socket: String?
        public var clock: Clock
        /// How much input may wait for the relay before the oldest is dropped.
        public var queueMs: Int64
        /// How long opening waits for a writer's first bytes.
        public var openTimeoutMs: Int64

        public init(
            video: Video, audio: Audio? = nil, socket: String? = nil, clock: Clock = .arrival, queue: Duration = .milliseconds(500),
            openTimeout: Duration = .seconds(10)
        ) {
            self.video = video
            self.audio = audio
            self.socket = socket
            self.clock = clock
            self.queueMs = queue.milliseconds
            self.openTimeoutMs = openTimeout.milliseconds
        }

        /// Queue capacity in frames, and in 20 ms audio chunks; at least two of each.
        public var videoQueueFrames: Int { max(2, Int(queueMs * Int64(video.fps) / 1000)) }
        public var audioQueueChunks: Int { max(2, Int(queueMs / 20)) }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let errorsBefore = reader.diagnostics.count
        let socket = reader.optional("socket", absolutePath)
        let usesSocket = reader.contains("socket")
        let video = reader.node("video").flatMap {
            decodeVideo($0, parent: reader.context, usesSocket: usesSocket, reader.diagnostics)
        }
        if !reader.contains("video") {
            reader.diagnostics.error("\(reader.context) is missing required key \"video\"", at: reader.node.location)
        }
        let audio = reader.node("audio").map {
            decodeAudio($0, parent: reader.context, usesSocket: usesSocket, reader.diagnostics)
        }
        let clock = reader.optional("clock", .oneOf(Clock.allCases.map(\.rawValue))).flatMap(Clock.init(rawValue:))
        let queue = reader.optional("queue", .duration(in: .milliseconds(100)...(.seconds(2))))
        let openTimeout = reader.optional("open_timeout", .duration(in: .milliseconds(100)...(.seconds(300))))
        if let video, let audio = audio ?? nil, let path = video.path, audio.path == path {
            reader.diagnostics.error(
                "\"audio\" and \"video\" of \(reader.context) need two different pipes, both are \"\(path)\"",
                at: reader.location(of: "audio"))
        }
        guard reader.diagnostics.count == errorsBefore, let video, audio != .some(nil) else { return nil }
        return Options(
            video: video, audio: audio ?? nil, socket: socket, clock: clock ?? .arrival, queue: queue ?? .milliseconds(500),
            openTimeout: openTimeout ?? .seconds(10))
    }

    public static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        try RawPipeSource(options: options, context: context)
    }

    private static func decodeVideo(_ node: ConfigNode, parent: String, usesSocket: Bool, _ diagnostics: Diagnostics) -> Video? {
        guard var reader = MappingReader(node, context: "\"video\" of \(parent)", diagnostics: diagnostics) else {
            return nil
        }
        let errorsBefore = diagnostics.count
        let path = pipePath(&reader, usesSocket: usesSocket)
        // yuv420p halves both dimensions for chroma, so odd sizes cannot be represented.
        let width = reader.required("width", evenInt(in: 16...3840))
        let height = reader.required("height", evenInt(in: 16...2160))
        let fps = reader.required("fps", .int(in: 1...120))
        reader.finish()
        guard diagnostics.count == errorsBefore, let width, let height, let fps else { return nil }
        return Video(path: path, width: width, height: height, fps: fps)
    }

    private static func decodeAudio(_ node: ConfigNode, parent: String, usesSocket: Bool, _ diagnostics: Diagnostics) -> Audio? {
        guard var reader = MappingReader(node, context: "\"audio\" of \(parent)", diagnostics: diagnostics) else {
            return nil
        }
        let errorsBefore = diagnostics.count
        let path = pipePath(&reader, usesSocket: usesSocket)
        let sampleRate = reader.required("sample_rate", .int(in: 8000...96000))
        let channels = reader.required("channels", .int(in: 1...2))
        reader.finish()
        guard diagnostics.count == errorsBefore, let sampleRate, let channels else { return nil }
        return Audio(path: path, sampleRate: sampleRate, channels: channels)
    }

    /// A FIFO's `path`: required, unless the source reads a socket, which replaces it.
    private static func pipePath(_ reader: inout MappingReader, usesSocket: Bool) -> String? {
        guard usesSocket else { return reader.required("path", absolutePath) }
        if reader.node("path") != nil {
            reader.diagnostics.error(
                "\"path\" is not used with \"socket\": the writer sends both streams over the socket",
                at: reader.location(of: "path"))
        }
        return nil
    }

    /// `{variables}` are filled when the relay starts; channel names cannot hold a `/`.
    private static let absolutePath = ValueParser<String>.string.validated { path in
        path.hasPrefix("/") ? nil : "must be an absolute path, got \"\(path)\""
    }

    private static func evenInt(in range: ClosedRange<Int>) -> ValueParser<Int> {
        ValueParser<Int>.int(in: range).validated { $0 % 2 == 0 ? nil : "must be even (yuv420p), got \($0)" }
    }
}
