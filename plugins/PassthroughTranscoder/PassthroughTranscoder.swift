import RelayCore

final class PassthroughTranscoder: MediaTranscoder {
    init(options: PassthroughPlugin.Options) {}
    func open(inputs: [StreamInfo]) throws -> [StreamInfo] { inputs }
    func process(_ packet: MediaPacket, into output: inout [MediaPacket]) throws { output.append(packet) }
    func flush(into output: inout [MediaPacket]) throws {}
}
