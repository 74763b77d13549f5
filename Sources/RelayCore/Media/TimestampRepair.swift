/// Repairs copied packets' timestamps: output starts at 0, each stream's dts strictly
/// increases (FLV needs it), pts ≥ dts, missing timestamps are filled, and a jump beyond
/// `maxJumpUs` either way (a loop, a reconnect, a wrap) is stitched so time continues from
/// where it was instead of leaving a gap or going backwards. Used by every transcoder that
/// copies packets (passthrough, and auto while it passes through).
///
/// All streams share one offset (in µs) so a shift applied for one stream moves the others
/// by the same amount and audio stays aligned with video. Per packet the common path is a
/// few integer operations in the stream's own time base; µs conversions happen only when the
/// offset changes.
public struct TimestampRepair: Sendable {
    private static let micro = Rational(1, 1_000_000)

    private struct Track: Sendable {
        var timeBase: Rational
        var maxJump: Int64
        /// Typical packet duration when the input does not say (1 frame, 1 audio frame).
        var defaultDuration: Int64
        /// The shared offset in this time base, valid while `generation` matches.
        var offset: Int64 = 0
        var generation = -1
        var lastDts: Int64?
        var lastDuration: Int64 = 0
        /// The next packet follows a source gap: its jump is the gap, not a discontinuity.
        var resumed = false
    }

    private let maxJumpUs: Int64
    private var tracks: [Track] = []
    /// Added to every input timestamp (converted per stream); starts as −(first dts).
    private var offsetUs: Int64 = 0
    private var generation = 0
    private var started = false
    /// Where (µs) the next timestamped packet goes after a source gap.
    private var resumeAtUs: Int64?

    public init(streams inputs: [StreamInfo], maxJumpUs: Int64) {
        self.maxJumpUs = maxJumpUs
        tracks = inputs.map { info in
            let tb = info.timeBase.isValid ? info.timeBase : Rational(1, 1000)
            var frame = Rational(1, 25)
            if info.kind == .video, let rate = info.frameRate, rate.isValid {
                frame = Rational(rate.den, rate.num)
            } else if info.kind == .audio, info.sampleRate > 0 {
                frame = Rational(info.frameSize > 0 ? info.frameSize : 1024, info.sampleRate)
            }
            return Track(
                timeBase: tb, maxJump: TimestampRepair.micro.rescale(maxJumpUs, to: tb),
                defaultDuration: max(1, frame.rescale(1, to: tb)))
        }
    }

    /// `packet` with repaired timestamps, in its stream's time base.
    public mutating func repair(_ packet: MediaPacket) throws -> MediaPacket {
        let index = packet.streamIndex
        guard tracks.indices.contains(index) else {
            throw RelayError(.internal, "timestamps: packet for unknown stream \(index)")
        }
        var track = tracks[index]
        defer { tracks[index] = track }

        var out = packet
        guard let inputDts = packet.dts ?? packet.pts else {
            // No timestamp at all: the packet follows the previous one of its stream.
            let dts = track.lastDts.map { $0 + track.lastDuration } ?? 0
            out.dts = dts
            out.pts = dts
            finish(&out, dts: dts, track: &track)
            return out
        }
        let inputPts = packet.pts ?? inputDts

        if !started {
            started = true
            offsetUs = -track.timeBase.rescale(inputDts, to: TimestampRepair.micro)
            generation += 1
        }
        if let resumeAtUs {
            self.resumeAtUs = nil
            offsetUs = resumeAtUs - track.timeBase.rescale(inputDts, to: TimestampRepair.micro)
            generation += 1
        }
        refreshOffset(&track)
        var dts = inputDts + track.offset

        // A jump is judged against the stream's own history. A stream's first packet is
        // taken as it comes: shifting the shared offset for it would move the other streams.
        if track.resumed {
            track.resumed = false
        } else if let last = track.lastDts {
            let jump = dts - (last + track.lastDuration)
            if jump > track.maxJump || jump < -track.maxJump {
                offsetUs -= track.timeBase.rescale(jump, to: TimestampRepair.micro)
                generation += 1
                refreshOffset(&track)
                dts = inputDts + track.offset
            }
        }

        if let last = track.lastDts, dts <= last { dts = last + 1 }
        if dts < 0 { dts = 0 }
        out.dts = dts
        out.pts = max(inputPts + track.offset, dts)
        finish(&out, dts: dts, track: &track)
        return out
    }

    /// A new source instance follows after `gapUs` without packets: its first timestamped
    /// packet is placed that long after the end of the latest packet so far, whatever its
    /// own timestamps say, and every stream continues from there.
    public mutating func continueAfterGap(_ gapUs: Int64) {
        guard started else { return }
        resumeAtUs = (endUs ?? 0) + max(0, gapUs)
        for i in tracks.indices { tracks[i].resumed = tracks[i].lastDts != nil }
    }

    /// Where (µs, output time) the latest packet of any stream ends; nil before the first.
    public var endUs: Int64? {
        tracks.compactMap { track in
            track.lastDts.map { track.timeBase.rescale($0 + track.lastDuration, to: TimestampRepair.micro) }
        }.max()
    }

    private mutating func refreshOffset(_ track: inout Track) {
        guard track.generation != generation else { return }
        track.offset = TimestampRepair.micro.rescale(offsetUs, to: track.timeBase)
        track.generation = generation
    }

    private func finish(_ packet: inout MediaPacket, dts: Int64, track: inout Track) {
        if packet.duration > 0 {
            track.lastDuration = packet.duration
        } else if let last = track.lastDts, dts - last > 0, dts - last <= track.maxJump {
            track.lastDuration = dts - last
        } else if track.lastDuration == 0 {
            track.lastDuration = track.defaultDuration
        }
        track.lastDts = dts
    }
}
