@testable import H264Transcoder
import Testing

/// Where the h264 transcoder puts source audio on the output timeline (48 kHz samples).
@Suite struct AudioTimelineTests {
    @Test func jitterIsLeftAloneGapsAreFilledOverlapsDropped() {
        let timeline = AudioTimeline(sampleRate: 48000, sourceHasAudio: true)
        #expect(timeline.place(expected: 48_000 + 1900, end: 48_000) == .init())  // 39.6 ms: jitter
        #expect(timeline.place(expected: 48_000 + 2000, end: 48_000) == .init(silence: 2000))
        #expect(timeline.place(expected: 48_000 - 5000, end: 48_000) == .init(drop: 5000))
        #expect(timeline.sample(atMicroseconds: 1_500_000) == 72_000)
        #expect(timeline.sample(atMicroseconds: -20_000) == -960)
    }

    @Test func silenceTakesOverOnlyAfterASecondWithoutAudioAndStopsWhenItReturns() {
        var timeline = AudioTimeline(sampleRate: 48000, sourceHasAudio: true)
        // Audio trailing video by under a second is ordinary interleaving.
        #expect(timeline.fill(videoEnd: 90_000, end: 48_000) == 0)
        // Over a second: stalled; silence keeps the audio level with the video from then on.
        #expect(timeline.fill(videoEnd: 100_000, end: 48_000) == 52_000)
        #expect(timeline.fill(videoEnd: 101_600, end: 100_000) == 1600)
        timeline.sourceAudioArrived()
        #expect(timeline.fill(videoEnd: 103_200, end: 101_600) == 0)
    }

    @Test func aSourceWithoutAudioIsSilenceFromTheFirstFrame() {
        var timeline = AudioTimeline(sampleRate: 48000, sourceHasAudio: false)
        #expect(timeline.fill(videoEnd: 1600, end: 0) == 1600)
    }
}
