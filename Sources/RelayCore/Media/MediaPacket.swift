/// One compressed packet moving from a source through a transcoder to the sinks.
///
/// Timestamps are in the time base of the stream `streamIndex` refers to. The payload is a
/// copy-on-write array, so fanning one packet out to N sinks shares a single buffer.
public struct MediaPacket: Sendable {
    public var streamIndex: Int
    public var pts: Int64?
    public var dts: Int64?
    public var duration: Int64
    public var isKeyframe: Bool
    public var data: [UInt8]
    /// Set on the first packet after the stream's codec configuration changed (a transcoder
    /// switching between copying and encoding): the new extradata (avcC, AudioSpecificConfig),
    /// which FLV sends as a new sequence header before this packet.
    public var newExtradata: [UInt8]?
    /// Decoded audio samples to drop from the start and the end of this packet's output: the
    /// encoder priming and padding a container marks (an MP4 edit list). Only decoders use it.
    public var discardSamples: (start: UInt32, end: UInt32) = (0, 0)

    public init(
        streamIndex: Int, pts: Int64?, dts: Int64?, duration: Int64 = 0, isKeyframe: Bool, data: [UInt8],
        newExtradata: [UInt8]? = nil
    ) {
        self.streamIndex = streamIndex
        self.pts = pts
        self.dts = dts
        self.duration = duration
        self.isKeyframe = isKeyframe
        self.data = data
        self.newExtradata = newExtradata
    }
}
