import Foundation

/// Interleaved s16le sine at a whole-Hz frequency, with a louder 100 ms beep at the start of
/// every wall-clock second, so the beep lines up with the second ticking over in the picture.
struct ToneGenerator {
    static let toneAmplitude = 0.125
    static let beepAmplitude = 0.5
    static let beepSeconds = 0.1

    let sampleRate: Int
    let channels: Int
    /// Where sample 0 falls within its wall-clock second, in samples.
    private let clockOffset: Int
    /// One second of the unit sine. A whole-Hz tone repeats exactly every second, so sample
    /// `n` is `table[n % sampleRate]`: phase-continuous forever, with no drift from summing.
    private let table: [Double]

    /// `startMs` is the wall-clock time (ms since the epoch) of sample 0.
    init(frequency: Int, sampleRate: Int, channels: Int, startMs: Int64) {
        self.sampleRate = sampleRate
        self.channels = channels
        clockOffset = Int(startMs % 1000) * sampleRate / 1000
        table = (0..<sampleRate).map { sin(2 * Double.pi * Double(frequency) * Double($0) / Double(sampleRate)) }
    }

    /// True when `sample` is inside a beep.
    func isBeep(_ sample: Int64) -> Bool {
        Int((Int64(clockOffset) + sample) % Int64(sampleRate)) < Int(Double(sampleRate) * Self.beepSeconds)
    }

    /// `count` samples starting at sample `start`, each channel carrying the same signal.
    func samples(from start: Int64, count: Int) -> [UInt8] {
        let bytes = count * channels * 2
        return [UInt8](unsafeUninitializedCapacity: bytes) { buffer, initialized in
            var offset = 0
            for sample in start..<(start + Int64(count)) {
                let amplitude = isBeep(sample) ? Self.beepAmplitude : Self.toneAmplitude
                let value = Int16(table[Int(sample % Int64(sampleRate))] * amplitude * Double(Int16.max))
                let bits = UInt16(bitPattern: value)
                for _ in 0..<channels {
                    buffer[offset] = UInt8(truncatingIfNeeded: bits)
                    buffer[offset + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                    offset += 2
                }
            }
            initialized = bytes
        }
    }
}
