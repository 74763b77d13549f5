import RelayCore

/// One keyframe interval of the source's video, as measured from its packets.
struct GOPMeasure: Equatable {
    var startUs: Int64
    var durationUs: Int64
    var frames: Int
    var bytes: Int
}

/// Measures the source's keyframe intervals, frame rate and bitrate from its video packets,
/// keeping the most recent intervals for a bitrate window.
struct GOPMonitor {
    private(set) var openStartUs: Int64?
    private var openFrames = 0
    private var openBytes = 0
    private(set) var recent: [GOPMeasure] = []
    /// How much history the bitrate window keeps.
    let windowUs: Int64

    init(windowUs: Int64) { self.windowUs = windowUs }

    /// Adds a video packet; returns the interval a keyframe completes.
    mutating func add(timeUs: Int64, bytes: Int, isKeyframe: Bool) -> GOPMeasure? {
        var completed: GOPMeasure?
        if isKeyframe {
            if let start = openStartUs, timeUs > start {
                let gop = GOPMeasure(startUs: start, durationUs: timeUs - start, frames: openFrames, bytes: openBytes)
                recent.append(gop)
                while recent.count > 1, let first = recent.first, timeUs - first.startUs - first.durationUs > windowUs {
                    recent.removeFirst()
                }
                completed = gop
            }
            openStartUs = timeUs
            openFrames = 0
            openBytes = 0
        }
        guard openStartUs != nil else { return completed }
        openFrames += 1
        openBytes += bytes
        return completed
    }

    /// How long the current interval has been open at `timeUs`.
    func openDurationUs(at timeUs: Int64) -> Int64 { openStartUs.map { timeUs - $0 } ?? 0 }

    /// Total duration of the recent intervals.
    var recentDurationUs: Int64 { recent.reduce(0) { $0 + $1.durationUs } }
}

/// Whether a source already meets an h264 profile, so `auto` may copy it: H.264 video within
/// the profile's bounds (orientation rule as for encoding), frame rate and bitrate within the
/// profile's, keyframes at least every GOP, and AAC audio (44.1 or 48 kHz, mono or stereo).
/// Every problem is worded for ops: it becomes the relay's processing status.
struct SourceCompliance {
    let video: H264TranscoderPlugin.Video
    /// Timestamp rounding (FLV has ms) must not turn an exact 2 s GOP into a violation.
    static let intervalToleranceUs: Int64 = 50_000
    /// Bitrate headroom over `maxrate`, measured over whole keyframe intervals.
    static let bitrateTolerance = 1.15

    /// Problems visible in the declared streams, before any packet.
    func declaredProblems(video source: StreamInfo, audio: StreamInfo?) -> [String] {
        var problems: [String] = []
        if source.codec != "h264" { problems.append("video codec is \(source.codec), not h264") }
        let long = max(video.width, video.height)
        let short = min(video.width, video.height)
        let width = Int(source.width)
        let height = Int(source.height)
        if max(width, height) > long || min(width, height) > short {
            problems.append("\(width)x\(height) exceeds \(video.width)x\(video.height)")
        }
        if let audio {
            if audio.codec != "aac" {
                problems.append("audio codec is \(audio.codec), not aac")
            } else if ![44100, 48000].contains(audio.sampleRate) || !(1...2).contains(audio.channels) {
                problems.append("audio is \(audio.sampleRate) Hz \(audio.channels) ch, not 44.1/48 kHz mono/stereo")
            }
        } else {
            problems.append("the source has no audio (the output needs an audio track)")
        }
        return problems
    }

    /// Problems in the measured intervals: each must be at most one GOP long and at most the
    /// profile's frame rate; together they must stay under the bitrate limit.
    func measuredProblems(_ gops: [GOPMeasure]) -> [String] {
        var problems: [String] = []
        let gopUs = video.gopMs * 1000
        if let longest = gops.map(\.durationUs).max(), longest > gopUs + Self.intervalToleranceUs {
            problems.append("keyframe interval \(seconds(longest)) exceeds the GOP of \(seconds(gopUs))")
        }
        let durationUs = gops.reduce(0) { $0 + $1.durationUs }
        guard durationUs > 0 else { return problems }
        let frames = gops.reduce(0) { $0 + $1.frames }
        let fps = Double(frames) * 1_000_000 / Double(durationUs)
        if fps > Double(video.fps) * 1.05 {
            problems.append("frame rate \(Int(fps.rounded())) fps exceeds \(video.fps) fps")
        }
        let bitrate = Double(gops.reduce(0) { $0 + $1.bytes }) * 8_000_000 / Double(durationUs)
        if bitrate > Double(video.maxrate) * Self.bitrateTolerance {
            problems.append("video bitrate \(kbps(bitrate)) exceeds \(kbps(Double(video.maxrate))) by over 15 %")
        }
        return problems
    }

    /// What a compliant source looks like, for the status line.
    func summary(video source: StreamInfo, audio: StreamInfo?, gops: [GOPMeasure]) -> String {
        let durationUs = max(1, gops.reduce(0) { $0 + $1.durationUs })
        let bitrate = Double(gops.reduce(0) { $0 + $1.bytes }) * 8_000_000 / Double(durationUs)
        let fps = Double(gops.reduce(0) { $0 + $1.frames }) * 1_000_000 / Double(durationUs)
        let longest = gops.map(\.durationUs).max() ?? 0
        var text = "h264 \(source.width)x\(source.height) \(Int(fps.rounded())) fps, keyframes every ≤ \(seconds(longest)), "
        text += kbps(bitrate)
        if let audio { text += ", aac \(audio.sampleRate) Hz" }
        return text
    }

    private func kbps(_ bits: Double) -> String { "\(Int((bits / 1000).rounded())) kb/s" }

    private func seconds(_ us: Int64) -> String {
        let value = (Double(us) / 10_000).rounded() / 100
        return "\(value) s"
    }
}
