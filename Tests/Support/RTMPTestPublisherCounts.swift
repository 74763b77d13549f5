/// What the publisher has sent on the publish stream so far.
public struct RTMPTestPublisherCounts: Sendable, Equatable {
    /// Audio and video messages that are frames (not sequence headers).
    public var audioFrames = 0
    public var videoFrames = 0
    /// AVC and AAC sequence headers (once per stream: loops do not repeat them).
    public var sequenceHeaders = 0
    /// AVC end-of-sequence messages (the file's, sent after the last loop only).
    public var endsOfSequence = 0
    /// `@setDataFrame` / `onMetaData` messages.
    public var dataMessages = 0
    /// Timestamps of the first and last media or data message, as sent (32 bits, wrapping).
    public var firstTimestamp: UInt32?
    public var lastTimestamp: UInt32?
    /// Messages sent with a timestamp of 0xFFFFFF or more, which need the extended field.
    public var extendedTimestamps = 0
    /// Whether a message's timestamp was smaller than the one before it: the 32-bit wrap.
    public var wrapped = false
    /// Real-time sending only: the media time (ms from the first tag) of the last message
    /// held until it was due, and how many went out before they were due (a stop only).
    public var pacedUntilMilliseconds: UInt64 = 0
    public var sentEarly = 0

    public init() {}
}
