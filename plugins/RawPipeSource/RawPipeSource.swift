import RelayCore

/// Reads the writer's raw frames and audio from named pipes (one reader thread each) or one
/// unix socket, and hands them out as rawvideo / pcm_s16le packets merged in time order.
final class RawPipeSource: MediaSource {
    static let videoStream = 0
    static let audioStream = 1
    /// Longest single wait in `read()`, so a raised stop signal is noticed promptly.
    static let waitSlice: Duration = .milliseconds(100)

    private let options: RawPipeSourcePlugin.Options
    /// Where the input comes from, variables filled.
    private let input: Input
    private let stop: StopSignal
    private let clock: any BlockingClock
    private let inbox: Inbox
    private var readers: [any InputReader] = []
    private var clocks: [StreamClock]
    /// Chunks dropped here rather than in the inbox (audio faster than real time).
    private var lateDrops: Int64 = 0
    /// Origin of `declared` pacing on `clock`: when the first packet went out.
    private var paceStart: Duration?

    let displayName: String

    init(options: RawPipeSourcePlugin.Options, context: StageContext, clock: any BlockingClock = SystemClock()) throws {
        self.options = options
        stop = context.stop
        self.clock = clock
        if let socket = options.socket {
            input = .socket(try Self.expandPath(socket, context))
        } else {
            input = .pipes(
                video: try Self.expandPath(options.video.path ?? "", context),
                audio: try options.audio.map { try Self.expandPath($0.path ?? "", context) })
        }
        var capacities = [options.videoQueueFrames]
        let declared = options.clock == .declared
        clocks = [StreamClock(.video(fps: options.video.fps), declared: declared)]
        if let audio = options.audio {
            capacities.append(options.audioQueueChunks)
            clocks.append(
                StreamClock(.audio(sampleRate: audio.sampleRate, samplesPerChunk: audio.samplesPerChunk), declared: declared))
        }
        inbox = Inbox(capacities: capacities, clock: clock)
        let video = options.video, audio = options.audio
        var name: String
        switch input {
        case .pipes(let videoPath, let audioPath):
            name = "rawpipe \(videoPath) \(video.width)x\(video.height)@\(video.fps)"
            if let audio, let audioPath { name += " + \(audioPath) \(audio.sampleRate)Hz \(audio.channels)ch" }
        case .socket(let path):
            name = "rawpipe socket \(path) \(video.width)x\(video.height)@\(video.fps)"
            if let audio { name += " + \(audio.sampleRate)Hz \(audio.channels)ch" }
        }
        displayName = name + " clock=\(options.clock.rawValue)"
    }

    var droppedPackets: Int64 { inbox.dropped + lateDrops }

    /// Chunks received and not read yet.
    var queuedChunks: Int { inbox.queued }

    func open() throws -> [StreamInfo] {
        readers = try openReaders()
        for reader in readers { reader.start() }
        let timeout = Duration.milliseconds(options.openTimeoutMs)
        guard inbox.waitForWriter(timeout: timeout, stop: stop) else {
            if let ended = inbox.ended { throw ended }
            if stop.isRaised { throw RelayError(.source, "rawpipe: stopped while waiting for a writer") }
            throw RelayError(.source, "rawpipe: no writer sent data on \(input.places) within \(DurationText.format(timeout))")
        }
        return streams()
    }

    func read() throws -> MediaPacket? {
        while !stop.isRaised {
            // A stream whose writer left ends the source once its queue is drained, even
            // if the other pipe still delivers: one writer feeds both, so it is broken.
            if let ended = inbox.ended { throw ended }
            if let (stream, dueNs) = nextStream() {
                if let dueNs, let due = releaseTime(dueNs) {
                    _ = clock.sleep(until: min(due, clock.now + Self.waitSlice), stop: stop)
                    continue
                }
                // A reader may have dropped the head meanwhile; the next one is as good.
                guard let chunk = inbox.pop(stream) else { continue }
                guard let pts = clocks[stream].stamp(arrivalUs: chunk.arrivalUs) else {
                    lateDrops += 1
                    continue
                }
                return MediaPacket(
                    streamIndex: stream, pts: pts, dts: pts, duration: clocks[stream].chunkDuration, isKeyframe: true,
                    data: chunk.data)
            }
            inbox.waitForChange(timeout: Self.waitSlice)
        }
        return nil
    }

    func close() {
        for reader in readers { reader.stop() }
        readers.removeAll()
    }

    /// The pipes' or the socket's readers, opened but not started. Both read ends open
    /// before anything waits: a writer opening the pipes one after the other must not block
    /// on the second while we wait for data on the first. A failed open releases (closes)
    /// whatever was opened before it.
    private func openReaders() throws -> [any InputReader] {
        switch input {
        case .socket(let path):
            return [try SocketReader(path: path, options: options, inbox: inbox)]
        case .pipes(let videoPath, let audioPath):
            try FIFO.ensure(videoPath)
            if let audioPath { try FIFO.ensure(audioPath) }
            var opened: [any InputReader] = [
                try PipeReader(
                    path: videoPath, label: "video", stream: Self.videoStream, chunkSize: options.video.frameBytes,
                    inbox: inbox)
            ]
            if let audio = options.audio, let audioPath {
                opened.append(
                    try PipeReader(
                        path: audioPath, label: "audio", stream: Self.audioStream, chunkSize: audio.chunkBytes,
                        inbox: inbox))
            }
            return opened
        }
    }

    /// The stream whose queued chunk goes next, and (for `declared`) its due media time.
    /// `arrival`: the earliest arrival. `declared`: the earliest due time.
    private func nextStream() -> (Int, dueNs: Int64?)? {
        let heads = inbox.heads()
        var best: (stream: Int, key: Int64)?
        for (stream, head) in heads.enumerated() {
            guard let head else { continue }
            let key = options.clock == .declared ? clocks[stream].nextDueNs : head.arrivalUs
            // Video first on a tie.
            if best == nil || key < best!.key { best = (stream, key) }
        }
        guard let best else { return nil }
        return (best.stream, options.clock == .declared ? best.key : nil)
    }

    /// When media time `dueNs` comes on the clock, if it is still to come (nil: it is due).
    /// The first packet starts the clock.
    private func releaseTime(_ dueNs: Int64) -> Duration? {
        guard let paceStart else {
            paceStart = clock.now
            return nil
        }
        let due = paceStart + .nanoseconds(dueNs)
        return due > clock.now ? due : nil
    }

    private func streams() -> [StreamInfo] {
        let video = options.video
        var streams = [
            StreamInfo(
                index: Self.videoStream, kind: .video, codec: "rawvideo",
                timeBase: Rational(1, Int32(clocks[Self.videoStream].timeScale)),
                bitRate: Int64(video.frameBytes * 8 * video.fps), width: Int32(video.width), height: Int32(video.height),
                frameRate: Rational(Int32(video.fps), 1), pixelFormat: "yuv420p")
        ]
        if let audio = options.audio {
            streams.append(
                StreamInfo(
                    index: Self.audioStream, kind: .audio, codec: "pcm_s16le", timeBase: Rational(1, Int32(audio.sampleRate)),
                    bitRate: Int64(audio.sampleRate * audio.channels * 16), sampleRate: Int32(audio.sampleRate),
                    channels: Int32(audio.channels), sampleFormat: "s16", frameSize: Int32(audio.samplesPerChunk)))
        }
        return streams
    }

    enum Input {
        case pipes(video: String, audio: String?)
        case socket(String)

        /// For messages: the paths a writer must use.
        var places: String {
            switch self {
            case .pipes(let video, let audio): ([video] + (audio.map { [$0] } ?? [])).joined(separator: ", ")
            case .socket(let path): path
            }
        }
    }

    private static func expandPath(_ template: String, _ context: StageContext) throws -> String {
        do {
            return try context.expandPath(template)
        } catch let error as RelayError {
            throw RelayError(error.errorClass, "rawpipe: \(error.message)")
        }
    }
}

/// A thread that reads the writer's input into the `Inbox`: `PipeReader` or `SocketReader`.
protocol InputReader: Sendable {
    func start()
    /// Ends the thread and waits for it.
    func stop()
}

extension PipeReader: InputReader {}
extension SocketReader: InputReader {}
