/// What the H.264 encoder is asked for, in plain values (no libav types).
public struct VideoEncoderSettings: Sendable, Equatable {
    public var width: Int32
    public var height: Int32
    public var fps: Int32
    public var bitRate: Int64
    public var maxRate: Int64
    public var bufferSize: Int64
    /// A keyframe every this many frames, and only then (no scene-cut keyframes).
    public var gopFrames: Int32
    public var preset: String
    public var tune: String
    public var profile: String
    public var level: String?

    public init(
        width: Int32, height: Int32, fps: Int32, bitRate: Int64, maxRate: Int64, bufferSize: Int64, gopFrames: Int32,
        preset: String, tune: String, profile: String, level: String?
    ) {
        self.width = width
        self.height = height
        self.fps = fps
        self.bitRate = bitRate
        self.maxRate = maxRate
        self.bufferSize = bufferSize
        self.gopFrames = gopFrames
        self.preset = preset
        self.tune = tune
        self.profile = profile
        self.level = level
    }
}

/// What the AAC encoder is asked for. Input is planar float at `sampleRate`.
public struct AudioEncoderSettings: Sendable, Equatable {
    public var sampleRate: Int32
    public var channels: Int32
    public var bitRate: Int64

    public init(sampleRate: Int32, channels: Int32, bitRate: Int64) {
        self.sampleRate = sampleRate
        self.channels = channels
        self.bitRate = bitRate
    }
}
