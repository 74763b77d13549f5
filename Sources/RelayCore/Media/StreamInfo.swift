/// What a stream carries, copied out of libav into a plain value so it can cross
/// plugin, thread and process boundaries (the worker protocol sends it as JSON).
public struct StreamInfo: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case video, audio, data, subtitle }

    public var index: Int
    public var kind: Kind
    /// libav codec name, e.g. "h264", "aac", "hevc".
    public var codec: String
    public var timeBase: Rational
    /// Codec private data (avcC for H.264, AudioSpecificConfig for AAC).
    public var extradata: [UInt8]
    public var bitRate: Int64
    public var profile: Int32
    public var level: Int32
    // video
    public var width: Int32
    public var height: Int32
    public var frameRate: Rational?
    public var pixelFormat: String?
    // audio
    public var sampleRate: Int32
    public var channels: Int32
    public var sampleFormat: String?
    public var frameSize: Int32

    public init(
        index: Int, kind: Kind, codec: String, timeBase: Rational, extradata: [UInt8] = [], bitRate: Int64 = 0,
        profile: Int32 = -99, level: Int32 = -99, width: Int32 = 0, height: Int32 = 0, frameRate: Rational? = nil,
        pixelFormat: String? = nil, sampleRate: Int32 = 0, channels: Int32 = 0, sampleFormat: String? = nil,
        frameSize: Int32 = 0
    ) {
        self.index = index
        self.kind = kind
        self.codec = codec
        self.timeBase = timeBase
        self.extradata = extradata
        self.bitRate = bitRate
        self.profile = profile
        self.level = level
        self.width = width
        self.height = height
        self.frameRate = frameRate
        self.pixelFormat = pixelFormat
        self.sampleRate = sampleRate
        self.channels = channels
        self.sampleFormat = sampleFormat
        self.frameSize = frameSize
    }

    /// One line for logs: `video h264 1280x720@30` or `audio aac 48000Hz 2ch`.
    public var summary: String {
        switch kind {
        case .video:
            let fps = frameRate.map { "@\(($0.doubleValue * 100).rounded() / 100)" } ?? ""
            return "video \(codec) \(width)x\(height)\(fps)"
        case .audio:
            return "audio \(codec) \(sampleRate)Hz \(channels)ch"
        case .data, .subtitle:
            return "\(kind.rawValue) \(codec)"
        }
    }
}
