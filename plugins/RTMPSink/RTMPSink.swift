import RelayCore

// Replaced by the MediaEngine-based implementation.
final class RTMPSink: MediaSink {
    init(options: RTMPSinkPlugin.Options, context: StageContext) throws { throw RelayError(.internal, "pending") }
    func open(streams: [StreamInfo]) throws {}
    func write(_ packet: MediaPacket) throws {}
    func close() throws {}
    func abort() {}
    var bytesWritten: Int64 { 0 }
    var displayName: String { "" }
}
