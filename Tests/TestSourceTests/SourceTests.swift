import Foundation
import Logging
import RelayCore
import Synchronization
import Testing
import TestSupport

@testable import TestSource

@Suite struct SourceTests {
    static func source(_ options: TestSourcePlugin.Options, stop: StopSignal = StopSignal()) throws -> any MediaSource {
        let context = StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: stop)
        return try TestSourcePlugin.makeSource(options: options, context: context)
    }

    /// The source on `clock` instead of the system's.
    static func source(
        _ options: TestSourcePlugin.Options, stop: StopSignal = StopSignal(), clock: ManualClock
    ) throws -> TestSource {
        TestSource(options: options, context: StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: stop), clock: clock)
    }

    /// Reads until the source ends.
    static func readAll(_ source: any MediaSource) throws -> [MediaPacket] {
        var packets: [MediaPacket] = []
        while let packet = try source.read() { packets.append(packet) }
        return packets
    }

    @Test func streamInfos() throws {
        let source = try Self.source(.init(width: 320, height: 240, fps: 25, sampleRate: 44100, channels: 1))
        let streams = try source.open()
        defer { source.close() }
        #expect(streams.count == 2)
        let video = streams[0], audio = streams[1]
        #expect(video.index == 0 && video.kind == .video && video.codec == "rawvideo")
        #expect(video.pixelFormat == "yuv420p" && video.width == 320 && video.height == 240)
        #expect(video.frameRate == Rational(25, 1) && video.timeBase == Rational(1, 25))
        #expect(audio.index == 1 && audio.kind == .audio && audio.codec == "pcm_s16le")
        #expect(audio.sampleRate == 44100 && audio.channels == 1 && audio.sampleFormat == "s16")
        #expect(audio.timeBase == Rational(1, 44100) && audio.frameSize == 882)
        #expect(source.displayName == "testsrc 320x240@25 tone 440Hz")

        let silent = try Self.source(.init(audio: false))
        #expect(try silent.open().map(\.kind) == [.video])
    }

    /// Frame n has pts n; audio pts advance by 960 samples at 48 kHz; sizes are exact;
    /// packets come in time order; `duration` ends the source.
    @Test func packetsAreExactAndDurationEndsTheSource() throws {
        let source = try Self.source(.init(width: 64, height: 48, fps: 25, duration: .milliseconds(400)))
        _ = try source.open()
        defer { source.close() }
        let packets = try Self.readAll(source)
        #expect(try source.read() == nil)

        let video = packets.filter { $0.streamIndex == 0 }
        #expect(video.map(\.pts) == (0..<10).map { Int64($0) })
        #expect(video.allSatisfy { $0.dts == $0.pts && $0.duration == 1 && $0.isKeyframe && $0.data.count == 64 * 48 * 3 / 2 })

        let audio = packets.filter { $0.streamIndex == 1 }
        #expect(audio.map(\.pts) == (0..<20).map { Int64($0 * 960) })
        #expect(audio.allSatisfy { $0.dts == $0.pts && $0.duration == 960 && $0.data.count == 960 * 2 * 2 })

        let seconds = packets.map { Double($0.pts!) / ($0.streamIndex == 0 ? 25 : 48000) }
        #expect(seconds == seconds.sorted())
    }

    /// At rates that are no multiple of 50 the 20 ms packets vary by one sample, and the
    /// timestamps still count every sample exactly.
    @Test func oddSampleRatesCountEverySample() throws {
        let source = try Self.source(.init(width: 16, height: 16, fps: 1, sampleRate: 11025, channels: 1, duration: .seconds(1)))
        _ = try source.open()
        defer { source.close() }
        let audio = try Self.readAll(source).filter { $0.streamIndex == 1 }
        #expect(audio.count == 50)
        #expect(audio.reduce(0) { $0 + $1.duration } == 11025)
        #expect(zip(audio, audio.dropFirst()).allSatisfy { $0.pts! + $0.duration == $1.pts! })
        #expect(audio.allSatisfy { $0.data.count == Int($0.duration) * 2 })
    }

    /// Paced on a manual clock: whenever the reader is asleep, exactly the packets whose media
    /// time has come are out (none early, none held back), and it sleeps to the end of the
    /// 100 ms window holding the next one.
    @Test func pacedByTheClock() throws {
        let stop = StopSignal()
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Self.source(.init(width: 64, height: 48, fps: 30), stop: stop, clock: clock)
        _ = try source.open()
        defer { source.close() }
        let released = Mutex<[(packet: MediaPacket, at: Duration)]>([])
        let reader = BackgroundCall {
            while let packet = try source.read() { released.withLock { $0.append((packet, clock.now)) } }
        }
        for window in 0...10 {
            let now = Duration.milliseconds(window * 100)
            #expect(clock.waitForSleeper() == now + .milliseconds(100), "at \(now)")
            // Due by now: video frames n with n/30 s <= now, audio packets k with k * 20 ms <= now.
            let video = window * 3 + 1, audio = window * 5 + 1
            let out = released.withLock { $0.map(\.packet) }
            #expect(out.filter { $0.streamIndex == 0 }.map(\.pts) == (0..<video).map { Int64($0) }, "at \(now)")
            #expect(out.filter { $0.streamIndex == 1 }.map(\.pts) == (0..<audio).map { Int64($0 * 960) }, "at \(now)")
            clock.advance(to: now + .milliseconds(100))
        }
        stop.raise()
        #expect(try reader.wait()?.get() != nil)
        let out = released.withLock { $0 }
        for (packet, at) in out {
            let due = Duration.nanoseconds(TestSource.nanoseconds(packet.pts!, per: packet.streamIndex == 0 ? 30 : 48000))
            #expect(at >= due && at < due + .milliseconds(100), "packet due at \(due) released at \(at)")
        }
        let times = out.map { Double($0.packet.pts!) / ($0.packet.streamIndex == 0 ? 30 : 48000) }
        #expect(times == times.sorted())
    }

    /// `stop.raise()` wakes a read that is waiting for its packet's time: it returns nil while
    /// the clock is still short of that time.
    @Test func stopEndsABlockedRead() throws {
        let stop = StopSignal()
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Self.source(
            .init(width: 64, height: 48, fps: 1, audio: false), stop: stop, clock: clock)
        _ = try source.open()
        defer { source.close() }
        #expect(try source.read()?.pts == 0)
        // Frame 1 is due at 1 s, so this read sleeps until then or until the raise.
        let read = BackgroundCall { try source.read() }
        #expect(clock.waitForSleeper() == .seconds(1))
        stop.raise()
        #expect(try #require(read.wait(), "hung").get() == nil)
        #expect(clock.now == .zero)
        #expect(try source.read() == nil)
    }

    /// The counter is drawn: between consecutive frames its last digit changes and the
    /// "FRAME 00000" before it does not.
    @Test func frameCounterChangesBetweenFrames() throws {
        let options = TestSourcePlugin.Options(width: 640, height: 360, fps: 30, audio: false)
        let source = try Self.source(options)
        _ = try source.open()
        defer { source.close() }
        let first = try #require(try source.read()), second = try #require(try source.read())
        #expect(first.pts == 0 && second.pts == 1)

        let pattern = TestSource.pattern(options)
        let scale = pattern.scale, advance = BitmapFont.advance * scale
        let line = pattern.lineOrigins[1]
        func region(_ frame: [UInt8], fromCharacter start: Int, to end: Int) -> [UInt8] {
            var pixels: [UInt8] = []
            for y in line.y..<(line.y + BitmapFont.glyphHeight * scale) {
                let rowStart: Int = y * 640 + line.x
                pixels += frame[(rowStart + start * advance)..<(rowStart + end * advance)]
            }
            return pixels
        }
        // "FRAME 000000": characters 0..<11 are the same, character 11 is the last digit.
        #expect(region(first.data, fromCharacter: 0, to: 11) == region(second.data, fromCharacter: 0, to: 11))
        let lastDigit = region(first.data, fromCharacter: 11, to: 12)
        #expect(lastDigit != region(second.data, fromCharacter: 11, to: 12))
        #expect(lastDigit.contains(TestPattern.textLuma) && lastDigit.contains(TestPattern.boxLuma))
    }

    /// Media time in ns stays exact past the point where `samples * 1e9` would overflow.
    @Test func mediaTimeDoesNotOverflow() {
        #expect(TestSource.nanoseconds(96000 * 200_000, per: 96000) == 200_000 * 1_000_000_000)
        #expect(TestSource.nanoseconds(96000 * 200_000 + 48000, per: 96000) == 200_000 * 1_000_000_000 + 500_000_000)
        #expect(TestSource.nanoseconds(1, per: 30) == 33_333_333)
    }

    @Test func clockText() {
        #expect(TestSource.clockText(0) == "00:00:00.000 UTC")
        #expect(TestSource.clockText(1_764_083_045_123) == "15:04:05.123 UTC")
        #expect(TestSource.clockText(86_399_999) == "23:59:59.999 UTC")
    }

    /// Text is clipped, never written out of bounds, at the smallest size.
    @Test func smallestPictureRenders() {
        let pattern = TestPattern(width: 16, height: 16, fps: 1, columns: 16, lines: 2)
        let frame = pattern.render(frame: 7, lines: ["12:34:56.789 UTC", "FRAME 000007"])
        #expect(frame.count == 16 * 16 * 3 / 2)
    }
}
