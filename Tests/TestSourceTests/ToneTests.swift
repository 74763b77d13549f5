import Testing

@testable import TestSource

@Suite struct ToneTests {
    /// Channel 0 of interleaved s16le bytes.
    static func firstChannel(_ bytes: [UInt8], channels: Int) -> [Int16] {
        stride(from: 0, to: bytes.count, by: 2 * channels).map { Int16(bitPattern: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8) }
    }

    /// A 440 Hz tone crosses zero upwards 440 times a second, and packets cut anywhere join
    /// without a phase jump.
    @Test func toneIsPhaseContinuous() {
        let tone = ToneGenerator(frequency: 440, sampleRate: 48000, channels: 2, startMs: 0)
        let whole = tone.samples(from: 0, count: 48000)
        var pieces: [UInt8] = []
        for start in stride(from: 0, to: 48000, by: 960) { pieces += tone.samples(from: Int64(start), count: 960) }
        #expect(pieces == whole)

        let samples = Self.firstChannel(whole, channels: 2)
        let upward = zip(samples, samples.dropFirst()).filter { $0 < 0 && $1 >= 0 }.count
        #expect((439...441).contains(upward))
        // Both channels carry the same signal.
        #expect(Self.firstChannel(Array(whole.dropFirst(2)), channels: 2) == samples)
    }

    /// The beep is the first 100 ms of each wall-clock second, louder than the tone.
    @Test func beepsOnTheClockSecond() {
        // Sample 0 is at .250 s on the clock, so the second turns over at sample 36000.
        let tone = ToneGenerator(frequency: 1000, sampleRate: 48000, channels: 1, startMs: 1_764_083_045_250)
        let samples = Self.firstChannel(tone.samples(from: 0, count: 96000), channels: 1)
        func peak(_ range: Range<Int>) -> Double { Double(samples[range].map { abs(Int($0)) }.max() ?? 0) / 32767 }
        #expect(abs(peak(36000..<40800) - ToneGenerator.beepAmplitude) < 0.01)
        #expect(abs(peak(40800..<84000) - ToneGenerator.toneAmplitude) < 0.01)
        #expect(abs(peak(0..<36000) - ToneGenerator.toneAmplitude) < 0.01)
        #expect(abs(peak(84000..<88800) - ToneGenerator.beepAmplitude) < 0.01)
        #expect(tone.isBeep(36000) && tone.isBeep(40799) && !tone.isBeep(40800) && !tone.isBeep(35999))
    }
}
