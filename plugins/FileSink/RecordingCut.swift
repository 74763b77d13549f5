import RelayCore

/// Where a recording's files begin, and each packet's time in its file. Pure: decided from
/// packet timestamps (media time), so rotation is the same however fast the relay runs.
///
/// A file begins at a video keyframe (any packet when there is no video), so every file
/// plays from its first frame; its timestamps start at zero. With `rotateEvery`, the first
/// keyframe at least that long after the file's beginning starts the next file.
struct RecordingCut {
    enum Placement: Equatable {
        /// Before the first keyframe, or an audio packet that belongs before the cut.
        case drop
        /// Into the current file, timestamps rebased.
        case write(RebasedPacket)
        /// Into a new file, which this packet begins.
        case startFile(RebasedPacket)
    }

    /// The timestamps a packet gets in its file (its stream's time base).
    struct RebasedPacket: Equatable {
        var pts: Int64?
        var dts: Int64?
    }

    private let rotateEvery: Duration?
    private let videoStreams: Set<Int>
    private let timeBases: [Rational]
    /// The current file's first packet: its timestamp and that stream's time base.
    private var start: (time: Int64, timeBase: Rational)?
    private static let microseconds = Rational(1, 1_000_000)

    init(rotateEvery: Duration?, streams: [StreamInfo]) {
        self.rotateEvery = rotateEvery.flatMap { $0 > .zero ? $0 : nil }
        self.videoStreams = Set(streams.filter { $0.kind == .video }.map(\.index))
        self.timeBases = streams.map(\.timeBase)
    }

    /// Whether a file has begun.
    var hasFile: Bool { start != nil }

    mutating func place(_ packet: MediaPacket) -> Placement {
        guard packet.streamIndex >= 0, packet.streamIndex < timeBases.count,
            let time = packet.dts ?? packet.pts
        else { return start == nil ? .drop : .write(RebasedPacket(pts: packet.pts, dts: packet.dts)) }
        let timeBase = timeBases[packet.streamIndex]
        let beginsFile = packet.isKeyframe && (videoStreams.isEmpty || videoStreams.contains(packet.streamIndex))
        guard let current = start else {
            guard beginsFile else { return .drop }
            start = (time, timeBase)
            return .startFile(rebased(packet, timeBase))
        }
        if beginsFile, let rotateEvery, elapsed(time, timeBase, since: current) >= rotateEvery.milliseconds * 1000 {
            start = (time, timeBase)
            return .startFile(rebased(packet, timeBase))
        }
        let placed = rebased(packet, timeBase)
        if let dts = placed.dts ?? placed.pts, dts < 0 { return .drop }
        return .write(placed)
    }

    private func elapsed(_ time: Int64, _ timeBase: Rational, since start: (time: Int64, timeBase: Rational)) -> Int64 {
        timeBase.rescale(time, to: Self.microseconds) - start.timeBase.rescale(start.time, to: Self.microseconds)
    }

    private func rebased(_ packet: MediaPacket, _ timeBase: Rational) -> RebasedPacket {
        guard let start else { return RebasedPacket(pts: packet.pts, dts: packet.dts) }
        // Exact for the stream the file began on (same time base), rounded for the others.
        let offset = start.timeBase.rescale(start.time, to: timeBase)
        return RebasedPacket(pts: packet.pts.map { $0 - offset }, dts: packet.dts.map { $0 - offset })
    }
}
