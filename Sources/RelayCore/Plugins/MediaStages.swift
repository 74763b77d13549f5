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
    /// How the output's runner treats this sink's failures. Default: `OutputPolicy()`.
    var policy: OutputPolicy { get }
}

extension MediaSink {
    public var policy: OutputPolicy { OutputPolicy() }
}

/// What an output does when its sink fails; the sink plugin chooses it from its options and
/// the output's runner (one thread per output) carries it out with a fresh sink per attempt.
public struct OutputPolicy: Sendable, Hashable {
    /// Attempts before an output that never got a session up is failed: a refused publish
    /// (bad URL or key) does not get better by hammering the platform.
    public var failFastAttempts: Int
    /// Reconnection after a session that worked: backoff doubles from `backoff` up to
    /// `maxBackoff` (with jitter), and the output fails once it has been down `giveUpAfter`.
    /// A zero `giveUpAfter` means no reconnection.
    public var backoff: Duration
    public var maxBackoff: Duration
    public var giveUpAfter: Duration
    /// The sink can also write to a backup destination (see `StageContext.useBackup`).
    public var hasBackup: Bool
    /// How long a session on the backup lasts before the output tries the primary again;
    /// nil: it stays on the backup until the backup fails.
    public var returnToPrimaryAfter: Duration?

    public init(
        failFastAttempts: Int = 1, backoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30),
        giveUpAfter: Duration = .zero, hasBackup: Bool = false, returnToPrimaryAfter: Duration? = nil
    ) {
        self.failFastAttempts = failFastAttempts
        self.backoff = backoff
        self.maxBackoff = maxBackoff
        self.giveUpAfter = giveUpAfter
        self.hasBackup = hasBackup
        self.returnToPrimaryAfter = returnToPrimaryAfter
    }
}
