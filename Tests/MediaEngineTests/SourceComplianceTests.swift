@testable import H264Transcoder
import RelayCore
import Testing

/// The judgement `auto` makes about a source, worded as ops read it.
@Suite struct SourceComplianceTests {
    let compliance = SourceCompliance(video: .init(width: 1280, height: 720, fps: 30, bitrate: 3_000_000))

    func video(_ width: Int32, _ height: Int32, codec: String = "h264") -> StreamInfo {
        StreamInfo(index: 0, kind: .video, codec: codec, timeBase: Rational(1, 1000), width: width, height: height)
    }

    func audio(codec: String = "aac", rate: Int32 = 48000, channels: Int32 = 2) -> StreamInfo {
        StreamInfo(index: 1, kind: .audio, codec: codec, timeBase: Rational(1, 1000), sampleRate: rate, channels: channels)
    }

    @Test func declaredStreams() {
        #expect(compliance.declaredProblems(video: video(1280, 720), audio: audio()).isEmpty)
        // Portrait within the rotated bounds is fine; the long edge is what is bounded.
        #expect(compliance.declaredProblems(video: video(720, 1280), audio: audio(rate: 44100, channels: 1)).isEmpty)
        #expect(compliance.declaredProblems(video: video(1920, 1080), audio: audio()) == ["1920x1080 exceeds 1280x720"])
        #expect(compliance.declaredProblems(video: video(640, 360, codec: "hevc"), audio: audio(codec: "opus")) == [
            "video codec is hevc, not h264", "audio codec is opus, not aac",
        ])
        #expect(compliance.declaredProblems(video: video(640, 360), audio: nil) == [
            "the source has no audio (the output needs an audio track)"
        ])
    }

    @Test func measuredIntervals() {
        // 2 s intervals at 30 fps and 2.4 Mb/s: compliant (FLV's ms rounding tolerated).
        let fine = [
            GOPMeasure(startUs: 0, durationUs: 2_001_000, frames: 60, bytes: 600_000),
            GOPMeasure(startUs: 2_001_000, durationUs: 1_999_000, frames: 60, bytes: 600_000),
        ]
        #expect(compliance.measuredProblems(fine).isEmpty)
        let sparse = [GOPMeasure(startUs: 0, durationUs: 4_000_000, frames: 120, bytes: 1_200_000)]
        #expect(compliance.measuredProblems(sparse) == ["keyframe interval 4.0 s exceeds the GOP of 2.0 s"])
        let fast = [GOPMeasure(startUs: 0, durationUs: 1_000_000, frames: 60, bytes: 300_000)]
        #expect(compliance.measuredProblems(fast) == ["frame rate 60 fps exceeds 30 fps"])
        let heavy = [GOPMeasure(startUs: 0, durationUs: 2_000_000, frames: 60, bytes: 1_000_000)]
        #expect(compliance.measuredProblems(heavy) == ["video bitrate 4000 kb/s exceeds 3000 kb/s by over 15 %"])
    }

    @Test func monitorKeepsAWindowOfCompletedIntervals() {
        var monitor = GOPMonitor(windowUs: 4_000_000)
        #expect(monitor.add(timeUs: 0, bytes: 100, isKeyframe: false) == nil)  // before any keyframe: ignored
        #expect(monitor.openStartUs == nil)
        for second in 0..<8 {
            let start = Int64(second) * 1_000_000
            let done = monitor.add(timeUs: start, bytes: 1000, isKeyframe: true)
            if second > 0 { #expect(done == GOPMeasure(startUs: start - 1_000_000, durationUs: 1_000_000, frames: 2, bytes: 1500)) }
            _ = monitor.add(timeUs: start + 500_000, bytes: 500, isKeyframe: false)
        }
        // Intervals that ended within the last 4 s (at 3 s or later).
        #expect(monitor.recent.count == 5 && monitor.recent.first?.startUs == 2_000_000)
        #expect(monitor.openDurationUs(at: 7_600_000) == 600_000)
    }
}
