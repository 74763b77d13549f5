import RelayCore

/// The `socket` variant's reader: a dedicated thread that waits for one writer to connect,
/// reads framed messages (`SocketFraming`) and leaves whole video frames and 20 ms audio
/// chunks in the `Inbox`, exactly as the two pipe readers would.
final class SocketReader: Sendable {
    private let listener: UnixListener
    private let framing: SocketFraming
    private let videoBytes: Int
    private let audioChunkBytes: Int?
    private let inbox: Inbox
    private let thread = ReaderThread()
    private var stopSignal: StopSignal { thread.stopSignal }

    init(path: String, options: RawPipeSourcePlugin.Options, inbox: Inbox) throws(RelayError) {
        listener = try UnixListener(path: path)
        framing = SocketFraming(video: options.video, audio: options.audio)
        videoBytes = options.video.frameBytes
        audioChunkBytes = options.audio?.chunkBytes
        self.inbox = inbox
    }

    func start() {
        thread.start(name: "rawpipe-socket", { [self] () throws(RelayError) in try run() }) { [self] in finishAll($0) }
    }

    /// Ends the thread and waits for it; the socket closes and its file goes with the reader.
    func stop() { thread.stop() }

    private func finishAll(_ reason: RelayError) {
        inbox.finish(RawPipeSource.videoStream, reason)
        if audioChunkBytes != nil { inbox.finish(RawPipeSource.audioStream, reason) }
    }

    private func run() throws(RelayError) {
        var accepted: FileDescriptor?
        while accepted == nil {
            if stopSignal.isRaised { return }
            accepted = try listener.accept(pollMs: PipeReader.pollMs)
        }
        guard let connection = accepted.take() else { return }
        inbox.connected()
        var header = [UInt8](repeating: 0, count: SocketFraming.headerSize)
        var audio = PipeReader.uninitialized(audioChunkBytes ?? 1)
        var audioFilled = 0
        while !stopSignal.isRaised {
            let got = try fill(&header, connection)
            if stopSignal.isRaised { return }
            guard got == header.count else { return finishAll(closed(got == 0 ? nil : "header")) }
            let message = try framing.parse(header)
            if message.stream == RawPipeSource.videoStream {
                var frame = PipeReader.uninitialized(videoBytes)
                guard try fill(&frame, connection) == videoBytes else {
                    return finishAll(closed(stopSignal.isRaised ? nil : "video frame"))
                }
                inbox.push(frame, stream: RawPipeSource.videoStream)
                continue
            }
            // Audio messages of any size are re-cut into whole 20 ms chunks.
            var remaining = message.length
            while remaining > 0 {
                let take = min(remaining, audio.count - audioFilled)
                let got = try audio.withUnsafeMutableBytes { bytes in
                    Result { () throws(RelayError) in
                        try connection.readFully(
                            into: UnsafeMutableRawBufferPointer(rebasing: bytes[audioFilled..<(audioFilled + take)]),
                            stop: stopSignal, pollMs: PipeReader.pollMs)
                    }
                }.get()
                guard got == take else { return finishAll(closed(stopSignal.isRaised ? nil : "audio message")) }
                remaining -= take
                audioFilled += take
                if audioFilled == audio.count {
                    inbox.push(audio, stream: RawPipeSource.audioStream)
                    audio = PipeReader.uninitialized(audio.count)
                    audioFilled = 0
                }
            }
        }
    }

    private func fill(_ buffer: inout [UInt8], _ connection: borrowing FileDescriptor) throws(RelayError) -> Int {
        try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(RelayError) in
                try connection.readFully(into: bytes, stop: stopSignal, pollMs: PipeReader.pollMs)
            }
        }.get()
    }

    /// The writer hung up; `partial` names what it left unfinished.
    private func closed(_ partial: String?) -> RelayError {
        var message = "rawpipe: writer closed \(listener.path) (socket)"
        if let partial { message += "; a partial \(partial) was discarded" }
        return RelayError(.source, message)
    }
}
