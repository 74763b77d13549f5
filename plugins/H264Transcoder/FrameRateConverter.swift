/// Constant frame rate from whatever timestamps arrive: each decoded frame is placed at the
/// output slot nearest its time, repeated to fill the slots up to there, or dropped when its
/// slot is already taken (like ffmpeg's `-vsync cfr`). Output pts is the slot index, in 1/fps.
struct FrameRateConverter {
    let fps: Int64
    /// Slot of the next frame to emit.
    private(set) var nextSlot: Int64 = 0
    /// Added to a frame's slot, so a discontinuity continues where the output is.
    private var slotOffset: Int64 = 0
    /// Repeating more than this (a gap in the source) is a discontinuity, not lost frames.
    private let maxRepeat: Int64
    /// Until the first frame is emitted, earlier frames are only dropped: they precede the
    /// output's start (a transcoder started mid-stream decodes from the last keyframe).
    private var emitted = false

    init(fps: Int, firstSlot: Int64 = 0) {
        self.fps = Int64(fps)
        maxRepeat = Int64(fps) * 2
        nextSlot = firstSlot
    }

    /// How many times to emit a frame at `timeUs` (µs since the relay's start); the first
    /// of them gets pts `nextSlot` before the call.
    mutating func repeats(forFrameAt timeUs: Int64) -> Int64 {
        var slot = Self.nearestSlot(timeUs, fps: fps) + slotOffset
        if !emitted, slot < nextSlot { return 0 }
        if slot - nextSlot > maxRepeat || nextSlot - slot > maxRepeat {
            slotOffset += nextSlot - slot
            slot = nextSlot
        }
        guard slot >= nextSlot else { return 0 }
        let count = slot - nextSlot + 1
        nextSlot = slot + 1
        emitted = true
        return count
    }

    /// Takes the slots up to and including `lastSlot` for a repeated picture (filler while
    /// the source is away); returns the slots to encode it at.
    mutating func fill(through lastSlot: Int64) -> Range<Int64> {
        guard lastSlot >= nextSlot else { return nextSlot..<nextSlot }
        defer { nextSlot = lastSlot + 1 }
        emitted = true
        return nextSlot..<(lastSlot + 1)
    }

    /// A new source's timestamps are measured from a new origin: no correction carries over.
    mutating func rebase() { slotOffset = 0 }

    static func nearestSlot(_ timeUs: Int64, fps: Int64) -> Int64 {
        Int64((Double(timeUs) * Double(fps) / 1_000_000).rounded())
    }
}
