import RelayCore

/// Stream copy: packets go out unchanged but for their timestamps (see `TimestampRepair`).
final class PassthroughTranscoder: MediaTranscoder {
    private let maxJumpUs: Int64
    private var timestamps: TimestampRepair?

    init(options: PassthroughPlugin.Options) {
        maxJumpUs = options.maxJumpMs * 1000
    }

    func open(inputs: [StreamInfo]) throws -> [StreamInfo] {
        timestamps = TimestampRepair(streams: inputs, maxJumpUs: maxJumpUs)
        return inputs
    }

    func process(_ packet: MediaPacket, into output: inout [MediaPacket]) throws {
        guard var timestamps else { throw RelayError(.internal, "passthrough: packet before open") }
        defer { self.timestamps = timestamps }
        output.append(try timestamps.repair(packet))
    }

    func flush(into output: inout [MediaPacket]) throws {}
}
