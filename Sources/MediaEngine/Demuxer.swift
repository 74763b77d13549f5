internal import CFFmpeg
public import RelayCore

/// An open input (`avformat_open_input`), reading packets of its audio and video streams.
///
/// Used from one thread: the relay's source thread. Not Sendable.
public final class Demuxer {
    /// Demuxers an input may be probed as. Anything else (image2, concat, tty, …) is refused,
    /// whatever the bytes look like. HLS segment demuxers inherit this list.
    public static let formatWhitelist = "flv,live_flv,mov,matroska,mpegts,hls,aac,mp3,h264,hevc"

    /// The audio and video streams, indexed densely from 0.
    public let streams: [StreamInfo]
    public let location: MediaLocation
    /// True once a read ended because the relay's stop signal was raised.
    public private(set) var wasStopped = false

    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let interrupt: InterruptContext
    /// libav stream index → index in `streams`, or -1 for streams we skip.
    private let indexMap: [Int]
    private let readTimeout: Duration?
    private let packet = Packet()
    private static let noTimestamp = relaygate_nopts_value()

    /// Opens `location` and reads stream info, together bounded by `openTimeout`. Reads must
    /// each deliver a packet within `readTimeout`; network I/O also gets it as `rw_timeout`.
    /// `formats`: the demuxers libavformat may pick (a still image needs others than media).
    public init(
        _ location: MediaLocation, stop: StopSignal, openTimeout: Duration, readTimeout: Duration? = nil,
        formats: String = Demuxer.formatWhitelist
    ) throws(AVError) {
        self.location = location
        self.readTimeout = readTimeout
        let interrupt = InterruptContext(stop: stop)
        self.interrupt = interrupt

        guard var context = avformat_alloc_context() else {
            throw AVError(code: relaygate_averror(ENOMEM), operation: "avformat_alloc_context", target: location.displayName)
        }
        // Set before opening so the connect and the probe are already interruptible.
        context.pointee.interrupt_callback = interrupt.callback
        var entries = [
            ("protocol_whitelist", location.protocolWhitelist),
            ("format_whitelist", formats),
        ]
        if location.isNetwork, let readTimeout {
            entries.append(("rw_timeout", String(readTimeout.milliseconds * 1000)))
        }
        if location.isNetwork {
            // A live input arrives in real time, so probing costs wall-clock time: libav
            // reads 20 frames to guess the frame rate, ~2 s that delay every (re)start. The
            // rate comes from the stream's metadata or its timestamps anyway. (Probing still
            // waits, up to its 5 s default, for every stream's codec: cutting that short can
            // miss a video stream whose keyframe is late.)
            entries.append(("fpsprobesize", "0"))
        }
        var options = OptionDictionary(entries)
        interrupt.begin(timeout: openTimeout)
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let openResult = avformat_open_input(&opened, location.url, nil, &options.raw)
        // On failure avformat_open_input has freed the context and nulled the pointer.
        guard openResult >= 0, let openedContext = opened else {
            throw interrupt.error(code: openResult, operation: "open", target: location.displayName)
        }
        context = openedContext
        let infoResult = avformat_find_stream_info(context, nil)
        if infoResult < 0 {
            var doomed: UnsafeMutablePointer<AVFormatContext>? = context
            avformat_close_input(&doomed)
            throw interrupt.error(code: infoResult, operation: "read stream info", target: location.displayName)
        }

        var streams: [StreamInfo] = []
        var indexMap: [Int] = []
        for i in 0..<Int(context.pointee.nb_streams) {
            if let stream = context.pointee.streams[i], let info = StreamInfo(stream: stream, index: streams.count) {
                indexMap.append(streams.count)
                streams.append(info)
            } else {
                indexMap.append(-1)
            }
        }
        self.context = context
        self.streams = streams
        self.indexMap = indexMap
        if streams.isEmpty {
            close()
            throw AVError("no audio or video stream", operation: "open", target: location.displayName)
        }
    }

    /// The next audio or video packet, its payload copied out; nil at the end of the input or
    /// once the stop signal is raised (then `wasStopped` is true).
    public func read() throws(AVError) -> MediaPacket? {
        guard let context else { return nil }
        interrupt.begin(timeout: readTimeout)
        let raw = packet.raw
        while true {
            let result = av_read_frame(context, raw)
            if result < 0 {
                if result == AVError.eof { return nil }
                let error = interrupt.error(code: result, operation: "read", target: location.displayName)
                if error.isStopped {
                    wasStopped = true
                    return nil
                }
                throw error
            }
            defer { packet.unref() }
            let libavIndex = Int(raw.pointee.stream_index)
            guard libavIndex < indexMap.count, indexMap[libavIndex] >= 0 else { continue }
            let size = Int(raw.pointee.size)
            let source = raw.pointee.data
            let data = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                if let source, size > 0 { buffer.baseAddress!.update(from: source, count: size) }
                count = size
            }
            let pts = raw.pointee.pts, dts = raw.pointee.dts
            var media = MediaPacket(
                streamIndex: indexMap[libavIndex],
                pts: pts == Demuxer.noTimestamp ? nil : pts,
                dts: dts == Demuxer.noTimestamp ? nil : dts,
                duration: raw.pointee.duration,
                isKeyframe: raw.pointee.flags & AV_PKT_FLAG_KEY != 0,
                data: data)
            media.discardSamples = Self.discardSamples(raw)
            return media
        }
    }

    /// libav's skip-samples side data: little-endian 32-bit start and end counts.
    private static func discardSamples(_ raw: UnsafeMutablePointer<AVPacket>) -> (start: UInt32, end: UInt32) {
        var size = 0
        guard let side = av_packet_get_side_data(raw, AV_PKT_DATA_SKIP_SAMPLES, &size), size >= 8 else { return (0, 0) }
        let word = { (offset: Int) in (0..<4).reduce(UInt32(0)) { $0 | UInt32(side[offset + $1]) << (8 * $1) } }
        return (word(0), word(4))
    }

    /// Seeks back to the start (for looping a file). Throws if the input cannot seek.
    public func seekToStart() throws(AVError) {
        guard let context else { return }
        interrupt.begin(timeout: readTimeout)
        let result = avformat_seek_file(context, -1, Int64.min, 0, Int64.max, 0)
        if result < 0 { throw interrupt.error(code: result, operation: "seek to start", target: location.displayName) }
    }

    /// Closes the input now rather than at deinit. Safe to call more than once.
    public func close() {
        guard context != nil else { return }
        avformat_close_input(&context)
    }

    deinit { close() }
}

#if canImport(Glibc)
import Glibc
#endif
