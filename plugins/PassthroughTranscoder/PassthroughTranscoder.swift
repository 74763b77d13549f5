import RelayCore

/// Stream copy: packets go out unchanged but for their timestamps (see `TimestampRepair`).
final class PassthroughTranscoder: MediaTranscoder {
    private let maxJumpUs: Int64
    private var timestamps: TimestampRepair?
    /// After a source gap: copying restarts at a video keyframe, and each stream's first
    /// packet carries the returning source's codec configuration (a new FLV sequence header).
    private var awaitingKeyframe: Int?
    private var resumeExtradata: [Int: [UInt8]] = [:]

    init(options: PassthroughPlugin.Options) {
        maxJumpUs = options.maxJumpMs * 1000
    }

    func open(inputs: [StreamInfo]) throws -> [StreamInfo] {
        timestamps = TimestampRepair(streams: inputs, maxJumpUs: maxJumpUs)
        return inputs
    }

    func process(_ packet: MediaPacket, into output: inout [MediaPacket]) throws {
        guard var timestamps else { throw RelayError(.internal, "passthrough: packet before open") }
        if let video = awaitingKeyframe {
            guard packet.streamIndex == video, packet.isKeyframe else { return }
            awaitingKeyframe = nil
        }
        defer { self.timestamps = timestamps }
        var out = try timestamps.repair(packet)
        if let extradata = resumeExtradata.removeValue(forKey: out.streamIndex) { out.newExtradata = extradata }
        output.append(out)
    }

    func sourceResumed(inputs: [StreamInfo], gapUs: Int64) throws {
        timestamps?.continueAfterGap(gapUs)
        awaitingKeyframe = inputs.first(where: { $0.kind == .video })?.index
        resumeExtradata = Dictionary(
            inputs.filter { !$0.extradata.isEmpty }.map { ($0.index, $0.extradata) }, uniquingKeysWith: { a, _ in a })
    }

    func flush(into output: inout [MediaPacket]) throws {}
}
