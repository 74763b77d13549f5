/// One pass of `RTMPTestPublisher.send`: turns FLV tags into audio, video and data messages
/// on the publish stream, with the pace, repetition, metadata placement, timestamp offset and
/// chunk-stream layout of `media`, servicing the server's messages between them.
struct RTMPTestPublisherMediaSender {
    let flv: RTMPTestPublisherFLV
    let media: RTMPTestPublisherMediaOptions
    let streamID: UInt32
    let publisher: RTMPTestPublisher

    /// The earliest media timestamp of the file: where its clock starts.
    private let first: UInt32
    /// A message whose chunks wait to be interleaved with the next one's (`.interleaved`).
    private var held: (message: RTMPTestPublisherMessage, chunks: [[UInt8]], kind: Kind)?
    private var lastTimestamp: UInt32?

    init(flv: RTMPTestPublisherFLV, media: RTMPTestPublisherMediaOptions, streamID: UInt32, publisher: RTMPTestPublisher) {
        self.flv = flv
        self.media = media
        self.streamID = streamID
        self.publisher = publisher
        first = flv.tags.filter { $0.kind != .script }.map(\.timestamp).min() ?? 0
    }

    mutating func run() throws {
        let loopSpan = UInt64(flv.loopDurationMilliseconds)
        let start = ContinuousClock.now
        var lateMetadata: RTMPTestPublisherFLV.Tag?
        var mediaTime: UInt64 = 0
        var loop: UInt64 = 0

        passes: while media.loops.map({ loop < UInt64($0) }) ?? true {
            for tag in flv.tags {
                if publisher.stopRequested { break passes }
                // Decoder configuration and metadata once per stream, as an encoder sends them,
                // and the end of the sequence only at the end.
                if loop > 0, tag.kind == .script || tag.isSequenceHeader { continue }
                if tag.isEndOfSequence, media.loops.map({ loop + 1 < UInt64($0) }) ?? true { continue }
                mediaTime = UInt64(tag.timestamp >= first ? tag.timestamp - first : 0) + loop * loopSpan
                if tag.kind == .script {
                    switch media.metadata {
                    case .first: try emit(metadata: tag, at: mediaTime)
                    case .late: lateMetadata = tag
                    case .never: break
                    }
                    continue
                }
                if let metadata = lateMetadata, case .late(let seconds) = media.metadata, Double(mediaTime) >= seconds * 1000 {
                    try emit(metadata: metadata, at: mediaTime)
                    lateMetadata = nil
                }
                if media.realTime {
                    let due = start + .milliseconds(Int64(mediaTime))
                    try wait(until: due)
                    if publisher.stopRequested { break passes }
                    let early = ContinuousClock.now < due
                    publisher.count { sent in
                        sent.pacedUntilMilliseconds = mediaTime
                        if early { sent.sentEarly += 1 }
                    }
                } else {
                    try publisher.service(until: .now)
                }
                let chunkStream =
                    media.chunkStreams != .shared && tag.kind == .audio
                    ? RTMPTestPublisher.audioChunkStream : RTMPTestPublisher.videoChunkStream
                try emit(
                    RTMPTestPublisherMessage(
                        chunkStream: chunkStream, type: tag.messageType, streamID: streamID, timestamp: wire(mediaTime),
                        payload: tag.body),
                    kind: tag.isSequenceHeader ? .sequenceHeader : tag.isEndOfSequence ? .endOfSequence : .frame)
            }
            loop += 1
        }
        if let metadata = lateMetadata, !publisher.stopRequested { try emit(metadata: metadata, at: mediaTime) }
        try flush()
    }

    /// The timestamp on the wire for a moment of the media: the file's own clock, plus the
    /// offset, in 32 bits that wrap.
    private func wire(_ mediaTime: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: UInt64(first) + mediaTime + UInt64(media.timestampOffset))
    }

    /// Waits for `due` while handling what the server sends.
    private func wait(until due: ContinuousClock.Instant) throws {
        while !publisher.stopRequested {
            let now = ContinuousClock.now
            guard now < due else {
                try publisher.service(until: now)
                return
            }
            try publisher.service(until: min(due, now + .milliseconds(50)))
        }
    }

    /// `@setDataFrame` in front of the file's `onMetaData` body, as encoders send it.
    private mutating func emit(metadata tag: RTMPTestPublisherFLV.Tag, at mediaTime: UInt64) throws {
        try emit(
            RTMPTestPublisherMessage(
                chunkStream: RTMPTestPublisher.videoChunkStream, type: RTMPTestPublisherMessage.amf0Data, streamID: streamID,
                timestamp: wire(mediaTime),
                payload: RTMPTestPublisherAMF0.encode([.string("@setDataFrame")]) + tag.body),
            kind: .metadata)
    }

    /// What a message is, for the counts.
    private enum Kind { case frame, sequenceHeader, endOfSequence, metadata }

    private mutating func emit(_ message: RTMPTestPublisherMessage, kind: Kind) throws {
        guard media.chunkStreams == .interleaved else {
            try publisher.send(message, during: "publishing")
            record(message, kind: kind)
            return
        }
        let chunks = publisher.chunks(message)
        if let waiting = held {
            held = nil
            if waiting.message.chunkStream != message.chunkStream {
                // One chunk of each in turn: two messages in flight on two chunk streams.
                var bytes: [UInt8] = []
                for index in 0..<max(waiting.chunks.count, chunks.count) {
                    if index < waiting.chunks.count { bytes += waiting.chunks[index] }
                    if index < chunks.count { bytes += chunks[index] }
                }
                try publisher.sendBytes(bytes, during: "publishing")
                record(waiting.message, kind: waiting.kind)
                record(message, kind: kind)
                return
            }
            try publisher.sendBytes(waiting.chunks.flatMap { $0 }, during: "publishing")
            record(waiting.message, kind: waiting.kind)
        }
        held = (message, chunks, kind)
    }

    private mutating func flush() throws {
        guard let waiting = held else { return }
        held = nil
        try publisher.sendBytes(waiting.chunks.flatMap { $0 }, during: "publishing")
        record(waiting.message, kind: waiting.kind)
    }

    private mutating func record(_ message: RTMPTestPublisherMessage, kind: Kind) {
        let previous = lastTimestamp
        lastTimestamp = message.timestamp
        publisher.count { sent in
            switch kind {
            case .sequenceHeader: sent.sequenceHeaders += 1
            case .endOfSequence: sent.endsOfSequence += 1
            case .metadata: sent.dataMessages += 1
            case .frame where message.type == RTMPTestPublisherMessage.audio: sent.audioFrames += 1
            case .frame: sent.videoFrames += 1
            }
            if sent.firstTimestamp == nil { sent.firstTimestamp = message.timestamp }
            sent.lastTimestamp = message.timestamp
            if message.timestamp >= 0xFFFFFF { sent.extendedTimestamps += 1 }
            // A step back by more than half the clock is the clock going round, not reordering.
            if let previous, message.timestamp < previous, previous - message.timestamp > 0x8000_0000 { sent.wrapped = true }
        }
    }
}
