@testable import FileSink
import Logging
import RelayCore
import Testing

/// Where a recording's files begin and the times packets get in them, decided from media
/// time alone; and the names the files get.
@Suite struct RecordingCutTests {
    /// Video at 1/1000 (stream 0), audio at 1/48000 (stream 1).
    static let streams = [
        StreamInfo(index: 0, kind: .video, codec: "h264", timeBase: Rational(1, 1000)),
        StreamInfo(index: 1, kind: .audio, codec: "aac", timeBase: Rational(1, 48000)),
    ]

    static func video(_ ms: Int64, key: Bool = false) -> MediaPacket {
        MediaPacket(streamIndex: 0, pts: ms, dts: ms, isKeyframe: key, data: [0])
    }

    static func audio(_ ms: Int64) -> MediaPacket {
        MediaPacket(streamIndex: 1, pts: ms * 48, dts: ms * 48, isKeyframe: true, data: [0])
    }

    static func at(_ pts: Int64) -> RecordingCut.RebasedPacket { .init(pts: pts, dts: pts) }

    @Test func aFileBeginsAtTheFirstVideoKeyframeAndStartsAtZero() {
        var cut = RecordingCut(rotateEvery: nil, streams: Self.streams)
        #expect(cut.place(Self.audio(4000)) == .drop)
        #expect(cut.place(Self.video(4000)) == .drop)
        #expect(cut.place(Self.video(5000, key: true)) == .startFile(Self.at(0)))
        #expect(cut.place(Self.audio(4990)) == .drop, "audio from before the keyframe would get a negative time")
        #expect(cut.place(Self.audio(5010)) == .write(Self.at(10 * 48)))
        #expect(cut.place(Self.video(5040)) == .write(Self.at(40)))
        // Without rotation, later keyframes stay in the file.
        #expect(cut.place(Self.video(3_605_000, key: true)) == .write(Self.at(3_600_000)))
    }

    @Test func rotationCutsAtTheFirstKeyframePastTheInterval() {
        var cut = RecordingCut(rotateEvery: .seconds(20), streams: Self.streams)
        #expect(cut.place(Self.video(1000, key: true)) == .startFile(Self.at(0)))
        #expect(cut.place(Self.video(20_000, key: true)) == .write(Self.at(19_000)), "19 s in: not yet")
        #expect(cut.place(Self.video(21_040)) == .write(Self.at(20_040)), "past 20 s, but not a keyframe")
        #expect(cut.place(Self.audio(21_050)) == .write(Self.at(20_050 * 48)))
        #expect(cut.place(Self.video(22_000, key: true)) == .startFile(Self.at(0)))
        #expect(cut.place(Self.audio(21_990)) == .drop)
        #expect(cut.place(Self.audio(22_010)) == .write(Self.at(10 * 48)))
    }

    @Test func audioOnlyBeginsAtAnyPacket() {
        var cut = RecordingCut(rotateEvery: .seconds(10), streams: [Self.streams[1]].map {
            var audio = $0
            audio.index = 0
            return audio
        })
        let first = MediaPacket(streamIndex: 0, pts: 480, dts: 480, isKeyframe: true, data: [0])
        #expect(cut.place(first) == .startFile(Self.at(0)))
        let later = MediaPacket(streamIndex: 0, pts: 480 + 48000 * 10, dts: 480 + 48000 * 10, isKeyframe: true, data: [0])
        #expect(cut.place(later) == .startFile(Self.at(0)))
    }

    static let context = StageContext(
        route: "shop", channel: "seller_7", values: ["channelId": "7"], logger: Logger(label: "test"), stop: StopSignal())

    @Test func namesCarryTheStartTimeAndNeverReuseAPath() throws {
        let taken: Set<String> = ["/rec/seller_7/20261207-153000.mp4", "/rec/seller_7/20261207-153000-1.mp4"]
        let names = RecordingName(
            template: "/rec/{channel}/{start}.mp4", context: Self.context, now: { 1_796_657_400 },
            exists: { taken.contains($0) })
        #expect(try names.next() == "/rec/seller_7/20261207-153000-2.mp4")
        let fresh = RecordingName(template: "/rec/{channelId}-{start}", context: Self.context, now: { 1_796_657_401 }, exists: { _ in false })
        #expect(try fresh.next() == "/rec/7-20261207-153001")
        #expect(RecordingName.stamp(0) == "19700101-000000")
    }

    @Test func aValueCannotLeadOutOfTheTree() {
        let context = StageContext(
            route: "shop", channel: "a..b", values: ["x": ".."], logger: Logger(label: "test"), stop: StopSignal())
        let names = RecordingName(template: "/rec/{x}/{start}.mp4", context: context, now: { 0 }, exists: { _ in false })
        #expect(throws: RelayError.self) { try names.next() }
        let unknown = RecordingName(template: "/rec/{nope}.mp4", context: Self.context, now: { 0 }, exists: { _ in false })
        #expect(throws: RelayError.self) { try unknown.next() }
    }
}
