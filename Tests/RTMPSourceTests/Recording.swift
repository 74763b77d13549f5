import Foundation
import Testing
import RelayCore
import TestSupport

/// A short FLV recording that the ffmpeg CLI makes at test time (lavfi test pattern and
/// tone, libx264 and aac), and its tags as RTMP media messages.
struct Recording {
    struct Video: Sendable {
        var width = 640, height = 360, fps = 25
        /// libx264 profile; nil: the preset's choice (High for veryfast, with B-frames).
        var profile: String?
        var pixelFormat = "yuv420p"
        var preset = "veryfast"
    }

    struct Audio: Sendable {
        var sampleRate = 48000, channels = 2
    }

    /// What to record: a test case's argument.
    struct Spec: Sendable, CustomTestStringConvertible {
        var name: String
        var video: Video?
        var audio: Audio?
        var seconds = 2.0
        var metadata = true
        var testDescription: String { name }
    }

    let spec: Spec
    let directory: TempDirectory
    let path: String
    let messages: [IngestMedia]


    init(_ spec: Spec) throws {
        self.spec = spec
        directory = try TempDirectory("rtmpsource")
        path = directory.file("\(spec.name).flv")
        var arguments: [String] = []
        if let video = spec.video {
            arguments += ["-f", "lavfi", "-i", "testsrc2=size=\(video.width)x\(video.height):rate=\(video.fps)"]
        }
        if let audio = spec.audio {
            arguments += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=\(audio.sampleRate)"]
        }
        arguments += ["-t", "\(spec.seconds)"]
        if let video = spec.video {
            arguments += ["-c:v", "libx264", "-preset", video.preset, "-g", "\(video.fps)", "-pix_fmt", video.pixelFormat]
            if let profile = video.profile { arguments += ["-profile:v", profile] }
        }
        if let audio = spec.audio { arguments += ["-c:a", "aac", "-b:a", "96k", "-ac", "\(audio.channels)"] }
        if !spec.metadata { arguments += ["-flvflags", "no_metadata"] }
        try FFmpeg.run(arguments + ["-f", "flv", path])
        messages = try FLVFile.messages(path)
    }

    /// What a publisher's session looks like on the feed: publish, every tag, unpublish.
    var session: [IngestMessage] {
        [.publish(Ingest.publisher)] + messages.map { .media($0) } + [.unpublish(reason: "deleteStream")]
    }

    func messages(of kind: IngestMedia.Kind) -> [IngestMedia] { messages.filter { $0.kind == kind } }

    /// Whether `media` is an AVC or AAC frame: what becomes a packet (not metadata, a sequence
    /// header or the AVC end of sequence that ffmpeg's FLV muxer writes last).
    static func isFrame(_ media: IngestMedia) -> Bool {
        media.kind != .data && media.payload.count > 1 && media.payload[1] == 1
    }

    /// Frames in the recording.
    var frameCount: Int { messages.filter(Self.isFrame).count }

    /// The AVC frames (not the sequence header), read straight from the tag headers.
    var videoFrames: [(message: IngestMedia, dts: Int64, isKeyframe: Bool)] {
        messages(of: .video).filter(Self.isFrame).map { ($0, $0.timestamp, $0.payload[0] >> 4 == 1) }
    }
}

extension Recording.Spec {
    static let standard = Self(name: "640x360-h264-aac48k", video: .init(), audio: .init())
    static let high720 = Self(
        name: "1280x720-high-aac44k-mono", video: .init(width: 1280, height: 720, fps: 30, profile: "high"),
        audio: .init(sampleRate: 44100, channels: 1))
    static let portrait = Self(name: "360x640-portrait", video: .init(width: 360, height: 640), audio: .init())
    static let fullHD = Self(
        name: "1920x1080-baseline-cropped", video: .init(width: 1920, height: 1080, profile: "baseline", preset: "ultrafast"),
        audio: .init(), seconds: 1)
    static let oddSize = Self(name: "854x480-cropped", video: .init(width: 854, height: 480), audio: .init(sampleRate: 32000))
    static let fullRange = Self(name: "fullrange-yuvj420p", video: .init(pixelFormat: "yuvj420p"), audio: nil)
    static let videoOnly = Self(name: "video-only", video: .init(), audio: nil)
    static let audioOnly = Self(name: "audio-only", video: nil, audio: .init())
    static let noMetadata = Self(name: "no-metadata", video: .init(), audio: .init(), metadata: false)

    static let all: [Self] = [standard, high720, portrait, fullHD, oddSize, fullRange, videoOnly, audioOnly, noMetadata]
}
