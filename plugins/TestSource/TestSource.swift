import Foundation
import RelayCore

/// Generates the test pattern and tone as a live source: packets come out in timestamp order
/// (video and audio interleaved) and no earlier than their media time on the wall clock.
final class TestSource: MediaSource {
    /// Packets due within one window go out together: one wakeup per window instead of one
    /// per packet (as PullSource paces), and still never before their time.
    static let pacingWindowNs: Int64 = 100_000_000
    /// Audio goes out in 20 ms packets, a usual encoder frame size.
    static let audioPacketsPerSecond: Int64 = 50

    private let options: TestSourcePlugin.Options
    private let stop: StopSignal
    private let clock: any BlockingClock
    private var pattern: TestPattern?
    private var tone: ToneGenerator?
    private var nextFrame: Int64 = 0
    private var nextAudioPacket: Int64 = 0
    /// The wall clock (ms since the epoch) at media time zero; the burned-in clock and the
    /// beeps both count from here, so they agree with each other and with the timestamps.
    private var epochMs: Int64 = 0
    /// `clock.now` at media time zero.
    private var start: Duration = .zero

    let displayName: String

    init(options: TestSourcePlugin.Options, context: StageContext, clock: any BlockingClock = SystemClock()) {
        self.options = options
        self.stop = context.stop
        self.clock = clock
        var name = "testsrc \(options.width)x\(options.height)@\(options.fps)"
        if options.audio { name += " tone \(options.tone)Hz" }
        displayName = name
    }

    static func streams(_ options: TestSourcePlugin.Options) -> [StreamInfo] {
        var streams = [
            StreamInfo(
                index: 0, kind: .video, codec: "rawvideo", timeBase: Rational(1, Int32(options.fps)),
                bitRate: Int64(options.width * options.height * 12 * options.fps),
                width: Int32(options.width), height: Int32(options.height), frameRate: Rational(Int32(options.fps), 1),
                pixelFormat: "yuv420p")
        ]
        if options.audio {
            let perPacket = options.sampleRate % Int(audioPacketsPerSecond) == 0 ? options.sampleRate / Int(audioPacketsPerSecond) : 0
            streams.append(
                StreamInfo(
                    index: 1, kind: .audio, codec: "pcm_s16le", timeBase: Rational(1, Int32(options.sampleRate)),
                    bitRate: Int64(options.sampleRate * options.channels * 16), sampleRate: Int32(options.sampleRate),
                    channels: Int32(options.channels), sampleFormat: "s16", frameSize: Int32(perPacket)))
        }
        return streams
    }

    /// Two lines: the clock (`HH:MM:SS.mmm UTC`, 16 characters) and `FRAME nnnnnn`.
    static func pattern(_ options: TestSourcePlugin.Options) -> TestPattern {
        TestPattern(width: options.width, height: options.height, fps: options.fps, columns: 16, lines: 2)
    }

    func open() throws -> [StreamInfo] {
        pattern = Self.pattern(options)
        epochMs = Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
        start = clock.now
        if options.audio {
            tone = ToneGenerator(
                frequency: options.tone, sampleRate: options.sampleRate, channels: options.channels, startMs: epochMs)
        }
        return Self.streams(options)
    }

    func read() throws -> MediaPacket? {
        guard let pattern, !stop.isRaised else { return nil }
        let fps = Int64(options.fps), rate = Int64(options.sampleRate)
        let audioStart = audioSample(nextAudioPacket)
        let videoLive = !ended(numerator: nextFrame, per: fps)
        let audioLive = tone != nil && !ended(numerator: audioStart, per: rate)
        // Whichever stream is earlier goes next; video first on a tie (compared exactly).
        let sendVideo: Bool
        switch (videoLive, audioLive) {
        case (false, false): return nil
        case (true, false): sendVideo = true
        case (false, true): sendVideo = false
        case (true, true): sendVideo = nextFrame * rate <= audioStart * fps
        }

        if sendVideo {
            guard pace(untilNs: Self.nanoseconds(nextFrame, per: fps)) else { return nil }
            let frame = nextFrame
            nextFrame += 1
            let data = pattern.render(frame: frame, lines: [
                Self.clockText(epochMs + frame * 1000 / fps), "FRAME " + Self.padded(frame, to: 6),
            ])
            return MediaPacket(streamIndex: 0, pts: frame, dts: frame, duration: 1, isKeyframe: true, data: data)
        }
        guard let tone else { return nil }
        guard pace(untilNs: Self.nanoseconds(audioStart, per: rate)) else { return nil }
        nextAudioPacket += 1
        let count = Int(audioSample(nextAudioPacket) - audioStart)
        return MediaPacket(
            streamIndex: 1, pts: audioStart, dts: audioStart, duration: Int64(count), isKeyframe: true,
            data: tone.samples(from: audioStart, count: count))
    }

    func close() {
        pattern = nil
        tone = nil
    }

    /// First sample of audio packet `index`; exact even when the rate is not a multiple of 50.
    private func audioSample(_ index: Int64) -> Int64 {
        index * Int64(options.sampleRate) / Self.audioPacketsPerSecond
    }

    /// True once media time `numerator / per` seconds has reached `duration`.
    private func ended(numerator: Int64, per: Int64) -> Bool {
        guard let durationMs = options.durationMs else { return false }
        return numerator * 1000 >= durationMs * per
    }

    /// Waits until media time `dueNs` has passed on the clock; on a wait, sleeps to the end
    /// of the window holding `dueNs`. Returns false if the relay stopped meanwhile.
    private func pace(untilNs dueNs: Int64) -> Bool {
        let elapsed = clock.now - start
        let elapsedNs = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        guard elapsedNs < dueNs else { return true }
        let window = Self.pacingWindowNs
        let windowEndNs = (dueNs + window - 1) / window * window
        return clock.sleep(until: start + .nanoseconds(windowEndNs), stop: stop)
    }

    /// `count / per` seconds in nanoseconds. Split into whole seconds first: `count * 1e9`
    /// would overflow after about a day of 96 kHz samples.
    static func nanoseconds(_ count: Int64, per: Int64) -> Int64 {
        count / per * 1_000_000_000 + count % per * 1_000_000_000 / per
    }

    /// `HH:MM:SS.mmm UTC` for a wall-clock time in ms since the epoch.
    static func clockText(_ ms: Int64) -> String {
        let dayMs = ms % 86_400_000
        let hours = dayMs / 3_600_000, minutes = dayMs / 60_000 % 60, seconds = dayMs / 1000 % 60
        return "\(padded(hours, to: 2)):\(padded(minutes, to: 2)):\(padded(seconds, to: 2)).\(padded(dayMs % 1000, to: 3)) UTC"
    }

    static func padded(_ value: Int64, to digits: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
