import Testing

@testable import RawPipeSource

@Suite struct QueueAndClockTests {
    @Test func fullQueueDropsTheOldest() {
        var queue = DropOldestQueue<Int>(capacity: 3)
        for i in 0..<5 { queue.push(i) }
        #expect(queue.count == 3 && queue.dropped == 2)
        #expect([queue.popFirst(), queue.popFirst(), queue.popFirst(), queue.popFirst()] == [2, 3, 4, nil])
        queue.push(9)
        #expect(queue.first == 9 && queue.dropped == 2)
    }

    @Test func declaredClockCountsFramesAndSamples() {
        var video = StreamClock(.video(fps: 30), declared: true)
        #expect((0..<3).map { _ in video.stamp(arrivalUs: 999_999) } == [0, 1, 2])
        #expect(video.nextDueNs == 100_000_000)
        var audio = StreamClock(.audio(sampleRate: 44100, samplesPerChunk: 882), declared: true)
        #expect((0..<3).map { _ in audio.stamp(arrivalUs: 0) } == [0, 882, 1764])
        #expect(audio.timeScale == 44100 && audio.chunkDuration == 882)
    }

    @Test func arrivalVideoIsInMicrosecondsAndStrictlyIncreasing() {
        var video = StreamClock(.video(fps: 25), declared: false)
        #expect(video.timeScale == 1_000_000 && video.chunkDuration == 40_000)
        #expect([10, 40_000, 40_000, 39_000].map { video.stamp(arrivalUs: $0) } == [10, 40_000, 40_001, 40_002])
    }

    /// Audio counts samples while it stays near arrival; runs ahead (a writer faster than
    /// real time) are dropped, a pause is skipped over.
    @Test func arrivalAudioFollowsSamplesWithinTheSlack() {
        var audio = StreamClock(.audio(sampleRate: 48000, samplesPerChunk: 960), declared: false)
        #expect(audio.stamp(arrivalUs: 20_000) == 960)
        #expect(audio.stamp(arrivalUs: 30_000) == 1920)  // early, within the slack
        var kept = 2
        for _ in 0..<20 where audio.stamp(arrivalUs: 30_000) != nil { kept += 1 }
        #expect(kept == 11)  // 200 ms of slack = 10 chunks at 20 ms, then drops
        #expect(audio.stamp(arrivalUs: 2_000_000) == 96_000)  // after a pause: from arrival
    }
}
