// The three kinds of pipeline stage. Each instance belongs to one relay and is used from
// that relay's dedicated threads only (never from an event loop or the concurrency pool),
// so blocking calls are allowed and the types need not be Sendable.

/// Produces packets: a pulled URL, an ingest connection, a test pattern, raw frames.
public protocol MediaSource: AnyObject {
    /// Opens the input and describes its streams. May block; stops when the relay's
    /// `StopSignal` is raised.
    func open() throws -> [StreamInfo]
    /// The next packet, or nil once the input has ended for good.
    func read() throws -> MediaPacket?
    /// Releases everything. Called once, on the thread that read.
    func close()
    /// What this source reads, safe to log (secrets masked).
    var displayName: String { get }
    /// Input the source discarded because the relay fell behind (a bounded input queue
    /// was full). Read on the reading thread, after `read()`.
    var droppedPackets: Int64 { get }
    /// A live input that a new instance with the same config may find again after it was
    /// lost (a pulled URL). The relay then bridges the loss (see `RelayPipeline`); a source
    /// that cannot be re-opened ends the relay when it ends.
    var canReopen: Bool { get }
}

extension MediaSource {
    public var droppedPackets: Int64 { 0 }
    public var canReopen: Bool { false }
}

/// Turns the source's packets into what the sinks receive (copy, or re-encode).
public protocol MediaTranscoder: AnyObject {
    /// Given the source's streams, returns the streams it will emit.
    func open(inputs: [StreamInfo]) throws -> [StreamInfo]
    /// Appends zero or more output packets for one input packet.
    func process(_ packet: MediaPacket, into output: inout [MediaPacket]) throws
    /// Appends whatever is still buffered at the end of the input.
    func flush(into output: inout [MediaPacket]) throws
    /// The source is away: appends filler (slate picture, silence) so the output reaches
    /// `elapsedUs` past where it stood when the gap began. Called repeatedly, in real time,
    /// with a growing `elapsedUs`.
    func fillGap(elapsedUs: Int64, into output: inout [MediaPacket]) throws
    /// A new source instance is open after a gap of `gapUs`: its packets come next, with
    /// timestamps of their own that the transcoder places right after the filler.
    func sourceResumed(inputs: [StreamInfo], gapUs: Int64) throws
}

extension MediaTranscoder {
    /// No filler: the outputs stay connected but receive nothing during the gap.
    public func fillGap(elapsedUs: Int64, into output: inout [MediaPacket]) throws {}
    public func sourceResumed(inputs: [StreamInfo], gapUs: Int64) throws {}
}

/// Delivers packets to one destination. Each sink runs on its own thread behind its own
/// bounded queue, so a slow or failed destination never stalls the others.
public protocol MediaSink: AnyObject {
    func open(streams: [StreamInfo]) throws
    func write(_ packet: MediaPacket) throws
    /// Ends the session properly (for FLV/RTMP: trailer, then a clean close).
    func close() throws
    /// Closes without trying to end the session cleanly (after a failure).
    func abort()
    /// Bytes handed to the destination so far.
    var bytesWritten: Int64 { get }
    /// Where this sink writes, safe to log (secrets masked).
    var displayName: String { get }
}
