/// Keeps the output's audio continuous and in sync with its video, whatever the source's
/// audio does. Positions are output samples since the relay's time zero.
///
/// - Each decoded source frame is placed by its timestamp: a gap before it is filled with
///   silence, and audio that overlaps what the output already has is dropped. Differences
///   up to `tolerance` are left alone (timestamp jitter), so clean audio is never touched.
/// - Video drives the clock: when the source's audio falls behind the video by more than
///   `maxLag` (late start, stopped, or none at all), the audio counts as stalled and silence
///   keeps it level with the video until real audio returns, so an HLS player always has
///   audio to play and segments carry their own second of sound.
struct AudioTimeline {
    let sampleRate: Int64
    /// Timestamp jitter that is not corrected (40 ms, about a frame of video).
    let tolerance: Int64
    /// How far audio may trail the video before silence stands in for it. Zero when the
    /// source has no audio track at all.
    let maxLag: Int64

    init(sampleRate: Int, sourceHasAudio: Bool) {
        self.sampleRate = Int64(sampleRate)
        tolerance = Int64(sampleRate) * 40 / 1000
        // Interleaving in a live FLV source keeps audio within a few hundred ms of video.
        maxLag = sourceHasAudio ? Int64(sampleRate) : 0
        stalled = !sourceHasAudio
    }

    struct Correction: Equatable {
        /// Silence to add before the frame.
        var silence: Int64 = 0
        /// Samples to leave out at the frame's start.
        var drop: Int64 = 0
    }

    /// How to place a frame that belongs at `expected` when the output has audio up to `end`.
    func place(expected: Int64, end: Int64) -> Correction {
        let gap = expected - end
        if gap > tolerance { return Correction(silence: gap) }
        if -gap > tolerance { return Correction(drop: -gap) }
        return Correction()
    }

    /// True while silence stands in for the source's audio.
    private(set) var stalled = false

    /// Silence needed so the audio (ending at `end`) keeps up with video ending at `videoEnd`.
    mutating func fill(videoEnd: Int64, end: Int64) -> Int64 {
        if videoEnd - end > maxLag { stalled = true }
        return stalled ? max(0, videoEnd - end) : 0
    }

    /// Real audio arrived: it sets the pace again.
    mutating func sourceAudioArrived() { stalled = false }

    /// Output sample position of `timeUs` (µs since time zero).
    func sample(atMicroseconds timeUs: Int64) -> Int64 {
        (timeUs * sampleRate + 500_000).floorDivided(by: 1_000_000)
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
