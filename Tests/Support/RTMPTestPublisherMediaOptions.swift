/// How the publisher sends an FLV file's tags: pace, repetition, metadata, timestamps and
/// chunk streams.
public struct RTMPTestPublisherMediaOptions: Sendable {
    /// Where `onMetaData` goes.
    public enum Metadata: Sendable, Equatable {
        /// Where the file has it (first, as ffmpeg writes FLV).
        case first
        /// Held back until the media has reached `afterSeconds` (after the last tag if it never does).
        case late(afterSeconds: Double)
        /// Not sent at all.
        case never
    }

    /// Which chunk streams carry the media.
    public enum ChunkStreams: Sendable, Equatable {
        /// Audio, video and data on one chunk stream (6).
        case shared
        /// Audio on chunk stream 4, video and data on 6, each message whole, as ffmpeg and OBS send.
        case separate
        /// As `separate`, and the chunks of an audio and a video message that follow each other
        /// alternate on the wire: the chunk-level interleaving the specification allows.
        case interleaved
    }

    /// Sends each tag when its timestamp is due (as a live encoder does), else as fast as the
    /// socket takes them.
    public var realTime: Bool
    /// Times through the file, timestamps continuing; nil repeats until `stop()`. Sequence
    /// headers and metadata are sent once, not per loop.
    public var loops: Int?
    public var metadata: Metadata
    /// Added to every timestamp (mod 2^32): start near 2^32−1 to make the stream wrap, or from
    /// 0xFFFFFF up to force extended timestamps.
    public var timestampOffset: UInt32
    public var chunkStreams: ChunkStreams

    public init(
        realTime: Bool = true, loops: Int? = 1, metadata: Metadata = .first, timestampOffset: UInt32 = 0,
        chunkStreams: ChunkStreams = .shared
    ) {
        self.realTime = realTime
        self.loops = loops
        self.metadata = metadata
        self.timestampOffset = timestampOffset
        self.chunkStreams = chunkStreams
    }
}
