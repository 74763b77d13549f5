internal import CFFmpeg
public import RelayCore

/// An output (`avformat_alloc_output_context2` + `avio_open2`) writing stream-copied packets.
/// A format that opens its own files (`AVFMT_NOFILE`: `hls` writes a playlist and segments)
/// gets the location's path as its URL and the location's protocol whitelist instead.
///
/// Teardown follows the output-context rules: `av_write_trailer` and `avio_closep` to end the
/// session (for RTMP the protocol then sends FCUnpublish and deleteStream), then
/// `avformat_free_context`. Used from one thread: the sink's. Not Sendable.
public final class Muxer {
    /// Time an output gets to finish a write or its closing handshake once the relay stops.
    public static let stopGrace: Duration = .milliseconds(500)

    public let location: MediaLocation
    private let context: UnsafeMutablePointer<AVFormatContext>
    private let interrupt: InterruptContext
    /// Per stream: (packet time base, muxer stream time base chosen by the header).
    private let timeBases: [(from: AVRational, to: AVRational)]
    private let closeTimeout: Duration
    private let packet = Packet()
    private var payloads = PayloadPool()
    private var isOpen = true
    private var finalBytes: Int64 = 0
    /// The bytes-out watchdog; nil when off.
    private var watchdog: StallWatchdog?
    /// For formats that open their own files: the sizes of the files they closed.
    private let closedFiles = ClosedFileBytes()
    private static let noTimestamp = relaygate_nopts_value()

    /// Connects and writes the header, together bounded by `connectTimeout`. Network writes
    /// that make no progress for `writeTimeout` fail (`rw_timeout`). With `stallLimit`, a write
    /// fails once bytes-out has not grown for that long, counted across writes (the watchdog).
    /// `options` go to the muxer (and the format context); nil: a live stream's, which for
    /// FLV means no duration or size patched into the header. Any option libav did not use
    /// fails the open, so a misspelt one never goes silent. A TLS location (rtmps://)
    /// verifies the server's certificate and host name against `trust`.
    public init(
        _ location: MediaLocation, format: String = "flv", options: [(String, String)]? = nil, streams: [StreamInfo],
        stop: StopSignal, connectTimeout: Duration, writeTimeout: Duration, stallLimit: Duration? = nil,
        trust: TLSTrust = .systemStore
    ) throws(AVError) {
        self.location = location
        self.closeTimeout = min(writeTimeout, .seconds(5))
        let interrupt = InterruptContext(stop: stop, stopGrace: Muxer.stopGrace)
        self.interrupt = interrupt
        let target = location.displayName

        var allocated: UnsafeMutablePointer<AVFormatContext>?
        let allocResult = avformat_alloc_output_context2(&allocated, nil, format, location.url)
        guard allocResult >= 0, let context = allocated else {
            throw AVError(code: allocResult, operation: "create \(format) muxer", target: target)
        }
        let opensOwnFiles = context.pointee.oformat.pointee.flags & AVFMT_NOFILE != 0
        // From here on a failure must free the context the output way.
        func fail(_ error: AVError) -> AVError {
            avio_closep(&context.pointee.pb)
            avformat_free_context(context)
            return error
        }
        context.pointee.interrupt_callback = interrupt.callback
        for info in streams {
            guard let stream = avformat_new_stream(context, nil) else {
                throw fail(AVError(code: relaygate_averror(ENOMEM), operation: "avformat_new_stream", target: target))
            }
            stream.pointee.time_base = AVRational(num: info.timeBase.num, den: info.timeBase.den)
            do {
                try info.apply(to: stream.pointee.codecpar)
            } catch {
                throw fail(error)
            }
        }

        interrupt.begin(timeout: connectTimeout)
        if opensOwnFiles {
            // Its nested opens inherit the whitelist; closing goes through `closedFiles`.
            context.pointee.protocol_whitelist = av_strdup(location.protocolWhitelist)
            context.pointee.opaque = Unmanaged.passUnretained(closedFiles).toOpaque()
            context.pointee.io_close2 = { context, pb in ClosedFileBytes.close(pb, of: context) }
        } else {
            var ioEntries = [("protocol_whitelist", location.protocolWhitelist)]
            if location.isNetwork { ioEntries.append(("rw_timeout", String(writeTimeout.milliseconds * 1000))) }
            if location.usesTLS { ioEntries += trust.protocolOptions }
            var ioOptions = OptionDictionary(ioEntries)
            // The TLS handshake runs inside this call; why it failed is only in libav's log.
            let (ioResult, logged) = LoggedErrors.collect {
                avio_open2(&context.pointee.pb, location.url, AVIO_FLAG_WRITE, &context.pointee.interrupt_callback, &ioOptions.raw)
            }
            if ioResult < 0 {
                let error = interrupt.error(code: ioResult, operation: "connect", target: target)
                throw fail(error.explained(by: location.usesTLS ? trust.failure(in: logged) : nil))
            }
        }

        // A live output cannot seek back to patch duration and size into the header.
        var muxOptions = OptionDictionary(options ?? (format == "flv" ? [("flvflags", "no_duration_filesize")] : []))
        let headerResult = avformat_write_header(context, &muxOptions.raw)
        if headerResult < 0 { throw fail(interrupt.error(code: headerResult, operation: "write header", target: target)) }
        let unused = muxOptions.unused
        guard unused.isEmpty else {
            throw fail(AVError("unknown options \(unused.joined(separator: ", "))", operation: "write header", target: target))
        }

        self.context = context
        self.timeBases = streams.enumerated().map { i, info in
            (AVRational(num: info.timeBase.num, den: info.timeBase.den), context.pointee.streams[i]!.pointee.time_base)
        }
        let position = context.pointee.pb.map { avio_tell($0) } ?? 0
        watchdog = stallLimit.map { StallWatchdog(limit: $0, position: position, at: interrupt.clock.now) }
    }

    /// Writes one packet, its timestamps in its stream's `StreamInfo.timeBase`.
    public func write(_ packet: MediaPacket) throws(AVError) {
        guard isOpen else { throw AVError("output is closed", operation: "write", target: location.displayName) }
        guard packet.streamIndex >= 0, packet.streamIndex < timeBases.count else {
            throw AVError("no stream \(packet.streamIndex)", operation: "write", target: location.displayName)
        }
        let raw = self.packet.raw
        let buffer = packet.data.withUnsafeBufferPointer { payloads.copy($0) }
        guard let buffer else {
            throw AVError(code: relaygate_averror(ENOMEM), operation: "av_buffer_pool_get", target: location.displayName)
        }
        let (from, to) = timeBases[packet.streamIndex]
        raw.pointee.buf = buffer
        raw.pointee.data = buffer.pointee.data
        raw.pointee.size = Int32(packet.data.count)
        raw.pointee.stream_index = Int32(packet.streamIndex)
        raw.pointee.pts = packet.pts.map { av_rescale_q($0, from, to) } ?? Muxer.noTimestamp
        raw.pointee.dts = packet.dts.map { av_rescale_q($0, from, to) } ?? Muxer.noTimestamp
        raw.pointee.duration = av_rescale_q(packet.duration, from, to)
        raw.pointee.flags = packet.isKeyframe ? AV_PKT_FLAG_KEY : 0
        if let extradata = packet.newExtradata, !extradata.isEmpty {
            // FLV writes a new sequence header when it sees this side data.
            guard let side = av_packet_new_side_data(raw, AV_PKT_DATA_NEW_EXTRADATA, extradata.count) else {
                av_packet_unref(raw)
                throw AVError(
                    code: relaygate_averror(ENOMEM), operation: "av_packet_new_side_data", target: location.displayName)
            }
            extradata.withUnsafeBufferPointer { side.update(from: $0.baseAddress!, count: extradata.count) }
        }
        interrupt.begin(timeout: watchdog?.timeout(at: interrupt.clock.now))
        // Takes the packet's reference, on success and on failure alike.
        var result = av_interleaved_write_frame(context, raw)
        watchdog?.observe(position: bytesWritten, at: interrupt.clock.now)
        if result >= 0, let failure = closedFiles.takeFailure() { result = failure }
        if result < 0 {
            let error = interrupt.error(code: result, operation: "write", target: location.displayName)
            if let watchdog, error.interruption == .timedOut {
                let seconds = Double(watchdog.limit.milliseconds) / 1000
                throw AVError(
                    "watchdog: no bytes accepted for \(seconds)s", operation: "write", target: location.displayName)
            }
            throw error
        }
    }

    /// Bytes handed to the output so far (buffered or sent); for a format that opens its
    /// own files, the sizes of those it has closed.
    public var bytesWritten: Int64 {
        guard isOpen, let pb = context.pointee.pb else { return max(finalBytes, closedFiles.total) }
        return avio_tell(pb)
    }

    /// Ends the session properly: flushes the interleaving queue, writes the trailer and
    /// closes the connection, bounded by a short deadline. Throws if any of it failed.
    public func finish() throws(AVError) {
        guard isOpen else { return }
        interrupt.begin(timeout: closeTimeout)
        // FLV seeks back into the header to patch it: the end may be behind the position.
        let before = bytesWritten
        var trailerResult = av_write_trailer(context)
        if trailerResult >= 0, let failure = closedFiles.takeFailure() { trailerResult = failure }
        let bytes = max(before, bytesWritten)
        let closeResult = avio_closep(&context.pointee.pb)
        isOpen = false
        finalBytes = bytes
        if trailerResult < 0 {
            throw interrupt.error(code: trailerResult, operation: "write trailer", target: location.displayName)
        }
        if closeResult < 0 { throw interrupt.error(code: closeResult, operation: "close", target: location.displayName) }
    }

    /// Closes without the trailer; every pending network wait gives up immediately.
    public func abort() {
        guard isOpen else { return }
        finalBytes = bytesWritten
        interrupt.abandon()
        avio_closep(&context.pointee.pb)
        isOpen = false
    }

    deinit {
        if isOpen { abort() }
        avformat_free_context(context)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// Counts what a format that opens its own files (`hls`) wrote, as each file is closed,
/// and keeps the first write error: `hls` does not report a segment it failed to write (a
/// full disk), so the muxer checks here after each write. libav calls `io_close2` with the
/// context whose `opaque` points here (nested muxers copy both). Confined to the muxer's
/// thread, like the muxer.
private final class ClosedFileBytes {
    private(set) var total: Int64 = 0
    private var failure: Int32?

    func takeFailure() -> Int32? {
        defer { failure = nil }
        return failure
    }

    static func close(_ pb: UnsafeMutablePointer<AVIOContext>?, of context: UnsafeMutablePointer<AVFormatContext>?) -> Int32 {
        guard let pb else { return 0 }
        // `append_list` reads the old playlist through here too; only writes count.
        let writes = pb.pointee.write_flag != 0
        if writes { avio_flush(pb) }
        let writeError = writes ? pb.pointee.error : 0
        let written = writes ? avio_tell(pb) : 0
        let result = avio_close(pb)
        if let opaque = context?.pointee.opaque {
            let files = Unmanaged<ClosedFileBytes>.fromOpaque(opaque).takeUnretainedValue()
            files.total += written
            let error = writeError < 0 ? writeError : result
            if error < 0, files.failure == nil { files.failure = error }
        }
        return result
    }
}
