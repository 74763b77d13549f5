/// The body of Media Push's Create: `{"converter": {…}}` with exactly one of `rawOptions`
/// (forward one user's H.264 as it is) or `transcodeOptions` (Agora re-encodes, needed for
/// VP8 publishers). Field names and ranges are Agora's (agora.md §1.4).
public struct ConverterRequest: Sendable, Equatable, Encodable {
    public struct Converter: Sendable, Equatable, Encodable {
        public var name: String
        public var rawOptions: RawOptions?
        public var transcodeOptions: TranscodeOptions?
        public var rtmpUrl: String
        /// Spelled as the field tables and Agora's own middleware spell it; the JSON examples
        /// write `idleTimeout`, and Agora reads both.
        public var idleTimeOut: Int
    }

    public struct RawOptions: Sendable, Equatable, Encodable {
        public var rtcChannel: String
        public var rtcStreamUid: UInt32

        public init(rtcChannel: String, rtcStreamUid: UInt32) {
            self.rtcChannel = rtcChannel
            self.rtcStreamUid = rtcStreamUid
        }
    }

    public struct TranscodeOptions: Sendable, Equatable, Encodable {
        public var rtcChannel: String
        public var audioOptions: AudioOptions
        public var videoOptions: VideoOptions

        public init(rtcChannel: String, audioOptions: AudioOptions, videoOptions: VideoOptions) {
            self.rtcChannel = rtcChannel
            self.audioOptions = audioOptions
            self.videoOptions = videoOptions
        }
    }

    public struct AudioOptions: Sendable, Equatable, Encodable {
        public var codecProfile = "LC-AAC"
        public var sampleRate: Int
        /// kbps, 32…128.
        public var bitrate: Int
        public var audioChannels: Int
        /// Only the seller is mixed (absent would mix everyone in the channel).
        public var rtcStreamUids: [UInt32]

        public init(sampleRate: Int, bitrate: Int, audioChannels: Int, rtcStreamUids: [UInt32]) {
            self.sampleRate = sampleRate
            self.bitrate = bitrate
            self.audioChannels = audioChannels
            self.rtcStreamUids = rtcStreamUids
        }
    }

    public struct VideoOptions: Sendable, Equatable, Encodable {
        public struct Canvas: Sendable, Equatable, Encodable {
            public var width: Int
            public var height: Int
            public var color = 0
        }

        public struct Region: Sendable, Equatable, Encodable {
            public var xPos: Int
            public var yPos: Int
            public var zIndex: Int
            public var width: Int
            public var height: Int
        }

        public struct StreamView: Sendable, Equatable, Encodable {
            public var rtcStreamUid: UInt32
            public var region: Region
            public var fillMode: String
        }

        public var canvas: Canvas
        public var layout: [StreamView]
        /// kbps, 1…10000.
        public var bitrate: Int
        /// 1…30.
        public var frameRate: Int
        /// Frames between keyframes.
        public var gop: Int
        public var codec = "H.264"
        public var codecProfile = "high"

        /// One user filling the whole canvas (letterboxed: `fit` keeps the seller's aspect).
        public static func singleUser(
            _ uid: UInt32, width: Int, height: Int, bitrateKbps: Int, frameRate: Int, gop: Int
        ) -> VideoOptions {
            VideoOptions(
                canvas: Canvas(width: width, height: height),
                layout: [
                    StreamView(
                        rtcStreamUid: uid, region: Region(xPos: 0, yPos: 0, zIndex: 1, width: width, height: height),
                        fillMode: "fit")
                ], bitrate: bitrateKbps, frameRate: frameRate, gop: gop)
        }
    }

    public var converter: Converter

    /// Agora's jitter buffer is left at its default (1000 ms; it advises against less).
    public init(
        name: String, raw: RawOptions? = nil, transcode: TranscodeOptions? = nil, rtmpURL: String, idleTimeout: Int
    ) {
        converter = Converter(
            name: name, rawOptions: raw, transcodeOptions: transcode, rtmpUrl: rtmpURL, idleTimeOut: idleTimeout)
    }
}
