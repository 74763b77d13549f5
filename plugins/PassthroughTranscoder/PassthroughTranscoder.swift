import MediaEngine
import RelayCore

/// Stream copy: packets go out unchanged but for their timestamps (see `TimestampRepair`).
///
/// While the source is away, a `SlateEncoder` fills the gap (black picture, silence) with
/// its own codec configuration; copying resumes at the returning source's first keyframe,
/// with the source's configuration again. Each switch sends the new configuration with the
/// stream's first packet after it (`newExtradata`, a new FLV sequence header).
final class PassthroughTranscoder: MediaTranscoder {
    private let maxJumpUs: Int64
    private var timestamps: TimestampRepair?
    private var inputs: [StreamInfo] = []
    /// After a source gap: copying restarts at this video stream's next keyframe.
    private var awaitingKeyframe: Int?
    /// Codec configuration to send with the next packet of each stream.
    private var pendingExtradata: [Int: [UInt8]] = [:]
    /// The gap's filler; nil outside a gap.
    private var slate: SlateEncoder?
    /// The route's slate image; nil: black.
    private let slateImage: Frame?

    init(options: PassthroughPlugin.Options, slate: Frame? = nil) {
        maxJumpUs = options.maxJumpMs * 1000
        slateImage = slate
    }

    func open(inputs: [StreamInfo]) throws -> [StreamInfo] {
        self.inputs = inputs
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
        emit(try timestamps.repair(packet), into: &output)
    }

    func flush(into output: inout [MediaPacket]) throws {}

    func fillGap(elapsedUs: Int64, into output: inout [MediaPacket]) throws {
        let encoder = try slate ?? Self.ours {
            try SlateEncoder(
                video: inputs.first { $0.kind == .video }, audio: inputs.first { $0.kind == .audio },
                startUs: timestamps?.endUs ?? 0, image: slateImage)
        }
        if slate == nil { pendingExtradata.merge(encoder.extradata) { _, slate in slate } }
        slate = encoder
        var encoded: [MediaPacket] = []
        try Self.ours { try encoder.fill(untilUs: elapsedUs, into: &encoded) }
        for packet in encoded {
            guard let stream = inputs.first(where: { $0.index == packet.streamIndex }) else { continue }
            var out = packet
            out.pts = packet.pts.map { SlateEncoder.timeBase.rescale($0, to: stream.timeBase) }
            out.dts = packet.dts.map { SlateEncoder.timeBase.rescale($0, to: stream.timeBase) }
            out.duration = SlateEncoder.timeBase.rescale(packet.duration, to: stream.timeBase)
            emit(out, into: &output)
        }
    }

    func sourceResumed(inputs: [StreamInfo], gapUs: Int64) throws {
        self.inputs = inputs
        slate = nil
        timestamps?.continueAfterGap(gapUs)
        awaitingKeyframe = inputs.first(where: { $0.kind == .video })?.index
        for stream in inputs where !stream.extradata.isEmpty { pendingExtradata[stream.index] = stream.extradata }
    }

    private func emit(_ packet: MediaPacket, into output: inout [MediaPacket]) {
        var out = packet
        if let extradata = pendingExtradata.removeValue(forKey: out.streamIndex) { out.newExtradata = extradata }
        output.append(out)
    }

    private static func ours<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AVError { throw error.relayError(.internal) }
    }
}
