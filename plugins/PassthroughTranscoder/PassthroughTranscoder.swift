import MediaEngine
import RelayCore

/// Stream copy: packets go out unchanged but for their timestamps (see `TimestampRepair`).
///
/// While the source is away, a `SlateEncoder` fills the gap (black picture, silence) with
/// its own codec configuration; copying resumes at the returning source's first keyframe,
/// with the source's configuration again. Each switch sends the new configuration with the
/// stream's first packet after it (`newExtradata`, a new FLV sequence header).
final class PassthroughTranscoder: MediaTranscoder {
    private static let micro = Rational(1, 1_000_000)
    private let maxJumpUs: Int64
    private var timestamps: TimestampRepair?
    private var inputs: [StreamInfo] = []
    /// After a source gap: copying restarts at this video stream's next keyframe.
    private var awaitingKeyframe: Int?
    /// Codec configuration to send with the next packet of each stream.
    private var pendingExtradata: [Int: [UInt8]] = [:]
    /// The gap's filler and where (µs, output time) it starts; nil outside a gap.
    private var slate: (encoder: SlateEncoder, startUs: Int64)?

    init(options: PassthroughPlugin.Options) {
        maxJumpUs = options.maxJumpMs * 1000
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
        if slate == nil {
            let encoder = try Self.ours {
                try SlateEncoder(
                    video: inputs.first { $0.kind == .video }, audio: inputs.first { $0.kind == .audio })
            }
            for stream in [encoder.video?.stream, encoder.audio?.stream].compactMap({ $0 }) {
                pendingExtradata[stream.index] = stream.extradata
            }
            slate = (encoder, timestamps?.endUs ?? 0)
        }
        guard let (encoder, startUs) = slate else { return }
        var encoded: [MediaPacket] = []
        try Self.ours { try encoder.fill(untilUs: elapsedUs, into: &encoded) }
        for packet in encoded {
            guard let stream = inputs.first(where: { $0.index == packet.streamIndex }) else { continue }
            let from = packet.streamIndex == encoder.video?.stream.index ? encoder.video?.stream : encoder.audio?.stream
            guard let from else { continue }
            // Slate time → output time in the copied stream's time base.
            let place = { (value: Int64) in
                Self.micro.rescale(from.timeBase.rescale(value, to: Self.micro) + startUs, to: stream.timeBase)
            }
            var out = packet
            out.pts = packet.pts.map(place)
            out.dts = packet.dts.map(place)
            out.duration = from.timeBase.rescale(packet.duration, to: stream.timeBase)
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
