import Logging
import PassthroughTranscoder
import RelayCore
import Testing

@Suite struct PassthroughTranscoderTests {
    static let video = StreamInfo(index: 0, kind: .video, codec: "h264", timeBase: Rational(1, 1000), frameRate: Rational(25, 1))
    static let audio = StreamInfo(
        index: 1, kind: .audio, codec: "aac", timeBase: Rational(1, 48000), sampleRate: 48000, channels: 2, frameSize: 1024)

    static func make(maxJump: Duration = .seconds(5), streams: [StreamInfo] = [video, audio]) throws -> any MediaTranscoder {
        let context = StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: StopSignal())
        let transcoder = try PassthroughPlugin.makeTranscoder(options: .init(maxJump: maxJump), context: context)
        #expect(try transcoder.open(inputs: streams) == streams)
        return transcoder
    }

    static func packet(_ stream: Int, dts: Int64?, pts: Int64? = nil, duration: Int64 = 0) -> MediaPacket {
        MediaPacket(streamIndex: stream, pts: pts ?? dts, dts: dts, duration: duration, isKeyframe: false, data: [1, 2, 3])
    }

    static func run(_ transcoder: any MediaTranscoder, _ packets: [MediaPacket]) throws -> [MediaPacket] {
        var output: [MediaPacket] = []
        for packet in packets { try transcoder.process(packet, into: &output) }
        try transcoder.flush(into: &output)
        return output
    }

    @Test func rebasesAllStreamsToZeroWithOneOffset() throws {
        let t = try Self.make()
        // Video starts at 10 s, audio 20 ms later (in its own time base).
        let out = try Self.run(t, [
            Self.packet(0, dts: 10_000, duration: 40),
            Self.packet(1, dts: 10 * 48000 + 960, duration: 1024),
            Self.packet(0, dts: 10_040, duration: 40),
            Self.packet(1, dts: 10 * 48000 + 960 + 1024, duration: 1024),
        ])
        #expect(out.map(\.dts) == [0, 960, 40, 1984])
        #expect(out.allSatisfy { $0.data == [1, 2, 3] })
    }

    @Test func stitchesForwardJump() throws {
        let t = try Self.make()
        let out = try Self.run(t, [
            Self.packet(0, dts: 0, duration: 40), Self.packet(0, dts: 40, duration: 40),
            Self.packet(0, dts: 80, duration: 40), Self.packet(0, dts: 100_080, duration: 40),
            Self.packet(0, dts: 100_120, duration: 40),
        ])
        #expect(out.map(\.dts) == [0, 40, 80, 120, 160])
    }

    @Test func stitchesBackwardJumpLikeALoop() throws {
        let t = try Self.make(maxJump: .milliseconds(100))
        let input: [Int64] = [0, 40, 80, 120]
        let out = try Self.run(t, (input + input).map { Self.packet(0, dts: $0, duration: 40) })
        #expect(out.map(\.dts) == [0, 40, 80, 120, 160, 200, 240, 280])
    }

    @Test func shiftAppliedForOneStreamMovesTheOthers() throws {
        let t = try Self.make()
        // Both streams jump back by 60 s (a reconnect); video notices first.
        let out = try Self.run(t, [
            Self.packet(0, dts: 60_000, duration: 40), Self.packet(1, dts: 60 * 48000, duration: 1024),
            Self.packet(0, dts: 60_040, duration: 40), Self.packet(1, dts: 60 * 48000 + 1024, duration: 1024),
            Self.packet(0, dts: 0, duration: 40), Self.packet(1, dts: 0, duration: 1024),
        ])
        #expect(out.map(\.dts) == [0, 0, 40, 1024, 80, 3840])
        // Audio at 80 ms is 3840 in 1/48000: the same instant as the stitched video.
    }

    @Test func smallBackwardStepStaysStrictlyIncreasing() throws {
        let t = try Self.make()
        let out = try Self.run(t, [
            Self.packet(0, dts: 1000, duration: 40), Self.packet(0, dts: 1040, duration: 40),
            Self.packet(0, dts: 1020, duration: 40), Self.packet(0, dts: 1040, duration: 40),
            Self.packet(0, dts: 1120, duration: 40),
        ])
        let dts = out.compactMap(\.dts)
        #expect(dts == [0, 40, 41, 42, 120])
        #expect(zip(dts, dts.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func fillsMissingTimestamps() throws {
        let t = try Self.make()
        let out = try Self.run(t, [
            Self.packet(0, dts: 500, duration: 40),
            MediaPacket(streamIndex: 0, pts: nil, dts: nil, duration: 40, isKeyframe: false, data: []),
            MediaPacket(streamIndex: 0, pts: 580, dts: nil, duration: 40, isKeyframe: false, data: []),
            MediaPacket(streamIndex: 0, pts: nil, dts: 620, duration: 0, isKeyframe: false, data: []),
        ])
        #expect(out.map(\.dts) == [0, 40, 80, 120])
        #expect(out.map(\.pts) == [0, 40, 80, 120])
    }

    @Test func keepsPtsAtOrAfterDts() throws {
        let t = try Self.make()
        // B-frame order: pts ahead of dts, and one broken packet with pts behind dts.
        let out = try Self.run(t, [
            Self.packet(0, dts: 0, pts: 80, duration: 40), Self.packet(0, dts: 40, pts: 160, duration: 40),
            Self.packet(0, dts: 80, pts: 40, duration: 40),
        ])
        #expect(out.map(\.pts) == [80, 160, 80])
        #expect(out.allSatisfy { $0.pts! >= $0.dts! })
    }

    @Test func usesDefaultDurationWhenInputHasNone() throws {
        let t = try Self.make(maxJump: .seconds(1))
        // No durations: video at 25 fps; a 10 s jump continues one frame (40 ms) later.
        let out = try Self.run(t, [Self.packet(0, dts: 0), Self.packet(0, dts: 10_000)])
        #expect(out.map(\.dts) == [0, 40])
    }

    @Test func rejectsUnknownStream() throws {
        let t = try Self.make()
        #expect(throws: RelayError.self) { _ = try Self.run(t, [Self.packet(5, dts: 0)]) }
    }
}
