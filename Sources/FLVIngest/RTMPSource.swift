import Logging
package import RelayCore

/// Reads what publishers push to the relay's ingest endpoint: waits for a publisher, learns
/// its streams from its sequence headers (`StreamProbe`), then hands out its H.264 and AAC
/// frames as packets, as they came (no re-encoding). A publisher that leaves ends the
/// source; the pipeline bridges the gap and opens a new instance, which waits for the next
/// publisher on the same feed.
///
/// Shared by every source that is pushed to over RTMP (`rtmp`, and sources whose companion
/// makes a service publish into the ingest).
package final class RTMPSource: MediaSource {
    /// Longest single wait on the feed, so a raised stop signal is noticed promptly.
    static let pollInterval: Duration = .milliseconds(100)

    /// How long a starting relay waits for its first publisher; zero: as long as it takes.
    private let publishTimeout: Duration
    private let feed: any IngestFeed
    private let stop: StopSignal
    /// Times the publish timeout and the probe (the feed times its own waits).
    private let clock: any BlockingClock
    private let logger: Logger
    private let memory = FeedMemory.shared
    private var assembler: PacketAssembler?
    /// Tags read while probing, replayed by `read()` before anything newer.
    private var replay: [MediaTag] = []
    private var replayed = 0
    private var dropped: Int64 = 0

    package let displayName: String

    package init(
        publishTimeout: Duration = .zero, ingest: IngestAssignment, context: StageContext,
        clock: any BlockingClock = SystemClock()
    ) {
        self.publishTimeout = publishTimeout
        feed = ingest.feed
        stop = context.stop
        self.clock = clock
        logger = context.logger
        displayName = Redaction.url(ingest.url)
    }

    package var droppedPackets: Int64 { dropped }

    /// A publisher that left may come back, or another may take its place.
    package var canReopen: Bool { true }

    package func open() throws -> [StreamInfo] {
        // Only a relay that never had its streams waits a bounded time for a publisher; an
        // instance opened after a publisher left waits as long as the reconnect window lets it.
        let timeout = publishTimeout
        let bounded = publishTimeout > .zero && memory.state(of: feed).kinds == nil
        let deadline = bounded ? clock.now + timeout : nil
        var session = try waitForPublisher(until: deadline, timeout: timeout)
        while true {
            switch try probe(session) {
            case .found(let streams):
                return streams
            case .left:
                session = try waitForPublisher(until: deadline, timeout: timeout)
            case .replaced(let next):
                session = next
            }
        }
    }

    package func read() throws -> MediaPacket? {
        while !stop.isRaised {
            let tag: MediaTag
            if replayed < replay.count {
                tag = replay[replayed]
                replayed += 1
                if replayed == replay.count { (replay, replayed) = ([], 0) }
            } else {
                guard let message = try nextMessage() else { continue }
                switch message {
                case .media(let media):
                    tag = try parse(media)
                case .dropped(let count):
                    dropped += Int64(count)
                    assembler?.mediaWasDropped()
                    continue
                case .unpublish(let reason):
                    logger.info("rtmp publisher left: \(reason)")
                    return nil
                case .publish(let next):
                    logger.info("rtmp publisher replaced by \(next.address)")
                    return nil
                }
            }
            do {
                if let packet = try assembler?.packet(for: tag) { return packet }
            } catch {
                throw Self.failure(error, kind: tag.kind.map { "\($0)" } ?? "data", at: tag.timestamp)
            }
        }
        return nil
    }

    /// The feed belongs to the worker; only this instance's state goes.
    package func close() {
        assembler = nil
        (replay, replayed) = ([], 0)
    }

    // MARK: - Publisher and probe

    /// A publisher to probe, and the messages that describe its streams so far (cached ones
    /// when an earlier instance already read its start).
    private struct Session {
        var publisher: IngestPublisher
        var configuration: [IngestMedia] = []
    }

    private enum ProbeEnd {
        case found([StreamInfo])
        /// The publisher left before its streams were known.
        case left
        /// Another publisher took the key over.
        case replaced(Session)
    }

    /// The feed's live publisher, or the next one to publish. Anything else that arrives
    /// first is left over from an earlier publisher.
    private func waitForPublisher(until deadline: Duration?, timeout: Duration) throws -> Session {
        let live = memory.state(of: feed)
        if let publisher = live.publisher {
            logger.info("rtmp: going on with the publisher already live on this relay")
            return Session(publisher: publisher, configuration: live.configuration)
        }
        while true {
            if stop.isRaised { throw RelayError(.source, "rtmp: stopped while waiting for a publisher") }
            var wait = Self.pollInterval
            if let deadline {
                let left = deadline - clock.now
                guard left > .zero else {
                    throw RelayError(.source, "rtmp: no publisher within \(DurationText.format(timeout)) on \(displayName)")
                }
                wait = min(wait, left)
            }
            if case .publish(let publisher) = try nextMessage(timeout: wait) { return Session(publisher: publisher) }
        }
    }

    private func probe(_ session: Session) throws -> ProbeEnd {
        let publisher = session.publisher
        logger.info(
            "rtmp publisher \(publisher.address)",
            metadata: ["encoder": "\(publisher.encoder ?? "unknown")", "app": "\(publisher.app)"])
        var probe = StreamProbe(earlierKinds: memory.state(of: feed).kinds)
        for media in session.configuration { probe.add(try parse(media)) }
        let began = clock.now
        while !probe.isDone(elapsed: clock.now - began) {
            if stop.isRaised { throw RelayError(.source, "rtmp: stopped while reading the publisher's stream headers") }
            switch try nextMessage() {
            case .media(let media):
                probe.add(try parse(media))
            case .dropped(let count):
                dropped += Int64(count)
            case .unpublish(let reason):
                logger.info("rtmp publisher left before its streams were known: \(reason)")
                return .left
            case .publish(let next):
                return .replaced(Session(publisher: next))
            case nil:
                continue
            }
        }
        let streams = probe.streams()
        guard !streams.isEmpty else {
            throw RelayError(
                .source,
                "rtmp: nothing usable from \(publisher.address) within \(DurationText.format(StreamProbe.wallLimit)) "
                    + "(\(probe.summary))")
        }
        if let metadata = probe.metadata, let encoder = metadata.encoder {
            logger.info("rtmp publisher encoder: \(encoder)")
        }
        let missing = (probe.metadata?.declaredKinds ?? []).subtracting(probe.found)
        if !missing.isEmpty {
            let kinds = missing.map(\.rawValue).sorted().joined(separator: " and ")
            logger.warning("rtmp publisher announced \(kinds) but sent no sequence header for it; going on without")
        }
        logger.info("rtmp streams: \(streams.map(\.summary).joined(separator: ", "))")
        memory.update(feed) { $0.kinds = $0.kinds ?? streams.map(\.kind) }
        assembler = PacketAssembler(streams: streams)
        (replay, replayed) = (probe.tags, 0)
        return .found(streams)
    }

    // MARK: - Feed

    /// The next message within `timeout`, its publisher changes noted in `memory`.
    private func nextMessage(timeout: Duration = RTMPSource.pollInterval) throws -> IngestMessage? {
        let message: IngestMessage?
        do {
            message = try feed.next(timeout: timeout)
        } catch {
            throw RelayError(.source, "rtmp: the ingest feed from the supervisor closed (\(error))")
        }
        if let message {
            switch message {
            case .publish, .unpublish: memory.update(feed) { $0.observe(message) }
            case .media, .dropped: break
            }
        }
        return message
    }

    /// Parses one media message; its metadata and sequence headers are remembered for a later
    /// instance.
    private func parse(_ media: IngestMedia) throws -> MediaTag {
        let tag: MediaTag
        do {
            tag = try MediaTag(media)
        } catch {
            throw Self.failure(error, kind: "\(media.kind)", at: media.timestamp)
        }
        switch tag.body {
        case .video(.sequenceHeader): memory.update(feed) { $0.videoHeader = media }
        case .audio(.sequenceHeader): memory.update(feed) { $0.audioHeader = media }
        case .metadata: memory.update(feed) { $0.metadata = media }
        default: break
        }
        return tag
    }

    private static func failure(_ error: MediaFormatError, kind: String, at timestamp: Int64) -> RelayError {
        switch error {
        case .unsupported: RelayError(.source, "rtmp: \(error)")
        case .malformed(let detail): RelayError(.source, "rtmp: malformed \(kind) message at \(timestamp) ms: \(detail)")
        }
    }
}
