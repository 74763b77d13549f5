import Foundation
import Logging
import NIOCore
import RelayCore
import RTMPProtocol
import Synchronization

/// One relay's ingest endpoint: its publisher, its worker's feed, and the codec
/// configuration a worker that attaches to a live publisher needs first.
///
/// Confined to the ingest server's single event loop: every method but `status` runs
/// there (checked), so the media path takes no lock. `status` reads a mirror kept under
/// its own lock, which nothing calls out of.
final class Endpoint: @unchecked Sendable {
    /// The connection publishing to this endpoint.
    struct Publisher {
        let id: ObjectIdentifier
        let channel: any Channel
        let info: IngestPublisher
        let connectedSince: Date
        let counters: ConnectionCounters
    }

    enum Claim {
        case accepted
        /// Another publisher is live and the endpoint does not take over.
        case busy
        /// The relay is gone.
        case gone
    }

    let registration: IngestRegistration
    private let loop: any EventLoop
    private let logger: Logger

    // Event-loop state.
    private var publisher: Publisher?
    private var feed: WorkerFeed?
    private var metadata: RTMPMediaFrame?
    private var videoConfiguration: RTMPMediaFrame?
    private var audioConfiguration: RTMPMediaFrame?
    private var clocks: [IngestMedia.Kind: TimestampUnwrapper] = [:]
    /// Media waits for a video keyframe: after a worker attached, or after drops.
    private var awaitingKeyframe = true
    private var sawVideo = false
    private var droppedSinceResume = 0
    private var dropped: Int64 = 0
    private var refused: Int64 = 0
    private var closed = false
    /// Media written to the feed since its last flush.
    private var unflushed = false

    /// What `status` reports, with the live publisher's counters (read at that moment).
    private let mirror: Mutex<(status: IngestStatus, counters: ConnectionCounters?)>

    init(registration: IngestRegistration, loop: any EventLoop, logger: Logger) {
        self.registration = registration
        self.loop = loop
        var logger = logger
        logger[metadataKey: "relay"] = "\(registration.relay)"
        self.logger = logger
        mirror = Mutex((IngestStatus(app: registration.app, publisher: nil), nil))
    }

    /// The endpoint now (any thread).
    func status() -> IngestStatus {
        let (status, counters) = mirror.withLock { $0 }
        guard let counters else { return status }
        var current = status
        current.publisher?.bytesIn = counters.bytesReceived
        current.publisher?.bitrateKbps = Double(counters.bitsPerSecond) / 1000
        return current
    }

    // MARK: - Publishers

    /// A connection asks to publish here.
    func claim(
        id: ObjectIdentifier, channel: any Channel, info: IngestPublisher, counters: ConnectionCounters
    ) -> Claim {
        loop.preconditionInEventLoop()
        guard !closed else { return .gone }
        let previous = publisher
        if previous != nil, !registration.takeover {
            refused += 1
            let count = refused
            mirror.withLock { $0.status.refused = count }
            return .busy
        }
        // The new publisher is in place before the old one is closed, whose close calls back.
        publisher = Publisher(id: id, channel: channel, info: info, connectedSince: Date(), counters: counters)
        resetMedia()
        mirror.withLock {
            $0.status.publisher = IngestStatus.Publisher(
                address: info.address, encoder: info.encoder, connectedSince: Date(), bytesIn: 0, bitrateKbps: 0, dropped: 0)
            $0.counters = counters
        }
        if let previous {
            logger.notice("publisher replaced (takeover)", metadata: ["old": "\(previous.info.address)", "new": "\(info.address)"])
            feed?.send(.unpublish(reason: "replaced by a new publisher from \(info.address)"))
            previous.channel.close(promise: nil)
        }
        feed?.send(.publish(info))
        return .accepted
    }

    /// The publisher `id` stopped publishing or disconnected.
    func release(id: ObjectIdentifier, reason: String) {
        loop.preconditionInEventLoop()
        guard let current = publisher, current.id == id else { return }
        publisher = nil
        resetMedia()
        mirror.withLock {
            $0.status.publisher = nil
            $0.counters = nil
        }
        logger.notice("publisher left: \(reason)", metadata: ["publisher": "\(current.info.address)"])
        feed?.send(.unpublish(reason: reason))
    }

    /// One media message of publisher `id`: to the worker, unless it is behind.
    func forward(_ message: RTMPMediaMessage, from id: ObjectIdentifier) {
        loop.preconditionInEventLoop()
        guard publisher?.id == id else { return }
        let kind = IngestMedia.Kind(message.kind)
        let frame = RTMPMediaFrame(kind: kind, timestamp: clocks[kind, default: TimestampUnwrapper()].unwrap(message.timestamp), payload: message.payload)
        let what = MediaMessageKind(message)
        if what.isVideo { sawVideo = true }
        if what.isConfiguration {
            switch kind {
            case .video: videoConfiguration = frame
            case .audio: audioConfiguration = frame
            case .data: metadata = frame
            }
            // Configuration always goes through: it is small and the worker cannot decode without it.
            feed?.write(frame)
            unflushed = true
            return
        }
        guard let feed else {
            drop()
            return
        }
        if awaitingKeyframe {
            // Without video (so far) there is no keyframe to wait for.
            guard what.isKeyframe || !sawVideo else {
                drop()
                return
            }
            awaitingKeyframe = false
            if droppedSinceResume > 0 {
                feed.send(.dropped(count: droppedSinceResume))
                droppedSinceResume = 0
            }
        }
        guard feed.isWritable else {
            drop()
            awaitingKeyframe = true
            return
        }
        feed.write(frame)
        unflushed = true
    }

    /// Sends what `forward` wrote: called once the publisher's current read is handled.
    func flush() {
        loop.preconditionInEventLoop()
        guard unflushed else { return }
        unflushed = false
        feed?.flush()
    }

    private func drop() {
        dropped += 1
        droppedSinceResume += 1
        IngestMetrics.dropped()
        let total = dropped
        mirror.withLock { $0.status.publisher?.dropped = total }
    }

    private func resetMedia() {
        metadata = nil
        videoConfiguration = nil
        audioConfiguration = nil
        clocks = [:]
        awaitingKeyframe = true
        sawVideo = false
        droppedSinceResume = 0
        dropped = 0
    }

    /// Samples the live publisher's bitrate (see `ConnectionCounters`).
    func sampleRate(over interval: Duration) {
        loop.preconditionInEventLoop()
        publisher?.counters.sampleRate(over: interval)
    }

    // MARK: - Workers

    /// The relay's new worker reads from `channel`. A live publisher's session is replayed
    /// to it first: publish, metadata, sequence headers; media resumes at a keyframe.
    func attach(_ channel: any Channel) {
        loop.preconditionInEventLoop()
        guard !closed else {
            channel.close(promise: nil)
            return
        }
        feed?.close()
        let feed = WorkerFeed(channel: channel)
        self.feed = feed
        awaitingKeyframe = true
        droppedSinceResume = 0
        guard let publisher else { return }
        feed.send(.publish(publisher.info))
        for frame in [metadata, videoConfiguration, audioConfiguration].compactMap({ $0 }) { feed.send(frame) }
    }

    /// The worker is gone; media is dropped (configuration kept) until the next one attaches.
    func detach() {
        loop.preconditionInEventLoop()
        feed?.close()
        feed = nil
    }

    /// The feed's socket closed by itself (the worker died before `detach`).
    func feedClosed(_ channel: any Channel) {
        loop.preconditionInEventLoop()
        if feed?.channel === channel { feed = nil }
    }

    /// The relay is gone: its publisher is disconnected and its feed closed.
    func close() {
        loop.preconditionInEventLoop()
        closed = true
        let current = publisher
        publisher = nil
        mirror.withLock {
            $0.status.publisher = nil
            $0.counters = nil
        }
        feed?.close()
        feed = nil
        if let current {
            logger.notice("publisher disconnected: the relay stopped", metadata: ["publisher": "\(current.info.address)"])
            current.channel.close(promise: nil)
        }
    }
}

extension IngestMedia.Kind {
    init(_ kind: RTMPMediaMessage.Kind) {
        switch kind {
        case .audio: self = .audio
        case .video: self = .video
        case .data: self = .data
        }
    }
}
