import RelayCore
import Testing

/// `TimestampRepair` across a source gap: the returning source's own timestamps (here
/// starting again at 0) are placed the gap's length after the output's end, on every stream.
@Suite struct TimestampRepairGapTests {
    let streams = [
        StreamInfo(index: 0, kind: .video, codec: "h264", timeBase: Rational(1, 1000), frameRate: Rational(25, 1)),
        StreamInfo(index: 1, kind: .audio, codec: "aac", timeBase: Rational(1, 48000), sampleRate: 48000, frameSize: 1024),
    ]

    func packet(_ stream: Int, _ ts: Int64, duration: Int64) -> MediaPacket {
        MediaPacket(streamIndex: stream, pts: ts, dts: ts, duration: duration, isKeyframe: true, data: [0])
    }

    @Test func theReturningSourceContinuesAfterTheGapOnEveryStream() throws {
        var repair = TimestampRepair(streams: streams, maxJumpUs: 5_000_000)
        // 2 s of source at 5000 ms..7000 ms: output 0..2 s.
        for i in 0..<50 { _ = try repair.repair(packet(0, 5000 + Int64(i) * 40, duration: 40)) }
        for i in 0..<93 { _ = try repair.repair(packet(1, 240_000 + Int64(i) * 1024, duration: 1024)) }
        let endUs = try #require(repair.endUs)
        #expect(abs(endUs - 2_000_000) < 5000)

        repair.continueAfterGap(8_000_000)
        // The new source starts at 0 and is a gap longer than max_jump later: not stitched.
        let video = try repair.repair(packet(0, 0, duration: 40))
        let audio = try repair.repair(packet(1, 0, duration: 1024))
        #expect(abs((video.dts ?? 0) - (endUs + 8_000_000) / 1000) <= 1, "video at \(video.dts ?? 0) ms")
        #expect(abs(Rational(1, 48000).rescale(audio.dts ?? 0, to: Rational(1, 1_000_000)) - (endUs + 8_000_000)) < 25_000)
        // And then it runs on normally.
        #expect(try repair.repair(packet(0, 40, duration: 40)).dts == (video.dts ?? 0) + 40)
    }
}
