import Foundation
import RelayCore
import TestSupport
import Testing

@testable import FLVIngest
@testable import RTMPSource

/// Publishers coming and going on one feed, as the pipeline sees it: a source instance ends
/// when its publisher leaves, and the next instance waits for (or picks up) the next one.
@Suite struct PublisherLifecycleTests {
    @Test func unpublishEndsTheSourceAndTheNextInstanceTakesTheNextPublisher() throws {
        let first = try Recording(.standard)
        let second = try Recording(.high720)
        let feed = MemoryFeed(first.session)
        let log = LogLines()
        let source = try Ingest.source(feed, log: log)
        #expect(source.displayName == "rtmp://127.0.0.1:1935/live/***")
        #expect(source.canReopen)
        let streams = try source.open()
        #expect(try Ingest.readAll(source).count == first.frameCount)
        source.close()

        // Leftovers of the first publisher come before the second publishes: nobody wants them.
        feed.push([.media(first.messages.last!), .dropped(count: 3)] + second.session)
        let reopened = try Ingest.source(feed, log: log)
        let again = try reopened.open()
        #expect(again.map(\.kind) == streams.map(\.kind) && again.map(\.codec) == streams.map(\.codec))
        #expect(again[0].width == 1280 && again[1].sampleRate == 44100)
        let packets = try Ingest.readAll(reopened)
        #expect(packets.count == second.frameCount)
        #expect(reopened.droppedPackets == 0)
        reopened.close()

        let lines = log.all.joined(separator: "\n")
        #expect(lines.contains("rtmp publisher 203.0.113.7:50123") && lines.contains("FMLE/3.0"))
        #expect(lines.contains("rtmp streams: video h264 640x360"))
        #expect(lines.contains("rtmp publisher left: deleteStream"))
        #expect(!lines.contains(Ingest.key))
    }

    /// The wait for a first publisher polls the feed every 100 ms of the clock, never past
    /// the publish timeout, and fails once the clock reaches it.
    @Test func aStartingRelayWaitsAtMostThePublishTimeout() throws {
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Ingest.source(
            MemoryFeed(clock: clock), options: .init(publishTimeout: .milliseconds(300)), clock: clock)
        let open = BackgroundCall { try source.open() }
        Ingest.poll(clock, to: .milliseconds(300), during: open)
        #expect(throws: RelayError(.source, "rtmp: no publisher within 300ms on rtmp://127.0.0.1:1935/live/***")) {
            try open.wait()?.get()
        }
    }

    /// Once the relay had its streams, an instance re-opened after a gap waits for as long as
    /// the reconnect window lets it (the pipeline stops it), not the publish timeout.
    @Test func aReopenedInstanceWaitsBeyondThePublishTimeout() throws {
        let recording = try Recording(.audioOnly)
        let clock = ManualClock()
        let feed = MemoryFeed(recording.session, clock: clock)
        let options = RTMPSourcePlugin.Options(publishTimeout: .milliseconds(200))
        let first = try Ingest.source(feed, options: options, clock: clock)
        _ = try first.open()
        _ = try Ingest.readAll(first)
        first.close()

        nonisolated(unsafe) let second = try Ingest.source(feed, options: options, clock: clock)
        let open = BackgroundCall { try second.open() }
        // Five times the publish timeout, and it still waits.
        Ingest.poll(clock, to: .seconds(1), during: open)
        #expect(clock.waitForSleeper() == .milliseconds(1100))
        feed.push(recording.session)
        #expect(try open.wait()?.get().map(\.kind) == [.audio])
        second.close()
    }

    /// A raised stop signal ends the wait for a publisher at the next poll of the feed.
    @Test func stopEndsTheWaitPromptly() throws {
        let stop = StopSignal()
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Ingest.source(MemoryFeed(clock: clock), stop: stop, clock: clock)
        let open = BackgroundCall { try source.open() }
        #expect(clock.waitForSleeper() == RTMPSource.pollInterval)
        stop.raise()
        clock.advance(to: RTMPSource.pollInterval)
        #expect(throws: RelayError(.source, "rtmp: stopped while waiting for a publisher")) { try open.wait()?.get() }
    }

    /// A publisher that stays but sends nothing keeps a read waiting, poll after poll; a raised
    /// stop signal ends it at the next poll.
    @Test func stopEndsReadingPromptly() throws {
        let recording = try Recording(.standard)
        let stop = StopSignal()
        let clock = ManualClock()
        // A publisher that stays: no unpublish, and nothing more after a few frames.
        let session = recording.session.prefix(12)
        let feed = MemoryFeed(Array(session), clock: clock)
        nonisolated(unsafe) let source = try Ingest.source(feed, stop: stop, clock: clock)
        _ = try source.open()
        for _ in 0..<session.filter({ if case .media(let media) = $0 { Recording.isFrame(media) } else { false } }).count {
            #expect(try source.read() != nil)
        }
        let read = BackgroundCall { try source.read() }
        Ingest.poll(clock, to: .milliseconds(500), during: read)
        #expect(clock.waitForSleeper() == .milliseconds(600))
        stop.raise()
        clock.advance(to: .milliseconds(600))
        #expect(try #require(read.wait(), "hung").get() == nil)
    }

    /// Drops by the ingest server are counted; the video resumes at a keyframe.
    @Test func droppedMessagesAreCountedAndVideoResumesAtAKeyframe() throws {
        let recording = try Recording(.standard)
        let frames = recording.videoFrames
        var session = recording.session
        // Right after the second video frame.
        let secondFrame = try #require(session.firstIndex { $0 == .media(frames[1].message) })
        session.insert(.dropped(count: 7), at: secondFrame + 1)
        let source = try Ingest.source(MemoryFeed(session))
        _ = try source.open()
        let video = try Ingest.readAll(source).filter { $0.streamIndex == 0 }
        #expect(source.droppedPackets == 7)
        let resumed = try #require(frames.dropFirst(2).first { $0.isKeyframe })
        #expect(video.prefix(3).map(\.dts) == [frames[0].dts, frames[1].dts, resumed.dts])
        #expect(video.count == frames.count - frames.firstIndex { $0.dts == resumed.dts }! + 2)
    }

    @Test func aClosedFeedFailsTheSource() throws {
        let recording = try Recording(.audioOnly)
        let feed = MemoryFeed(Array(recording.session.prefix(20)))
        let source = try Ingest.source(feed)
        _ = try source.open()
        feed.close()
        let error = try #require(throws: RelayError.self) { _ = try Ingest.readAll(source) }
        #expect(error == RelayError(.source, "rtmp: the ingest feed from the supervisor closed (socket closed)"))
    }

    /// A publisher that leaves before its streams are known does not fail the relay: the
    /// source waits for the next one.
    @Test func aPublisherLeavingDuringTheProbeIsWaitedOut() throws {
        let first = try Recording(.standard)
        let second = try Recording(.portrait)
        let early = first.session.prefix(3) + [.unpublish(reason: "connection reset")]
        let source = try Ingest.source(MemoryFeed(Array(early) + second.session))
        let streams = try source.open()
        #expect(streams[0].width == 360 && streams[0].height == 640)
        #expect(try Ingest.readAll(source).count == second.frameCount)
    }

    /// A takeover: the next publisher's `.publish` ends this instance; the next instance goes
    /// on with it at once, since its `.publish` was already read.
    @Test func aTakeoverEndsTheInstanceAndTheNextOneGoesOn() throws {
        let first = try Recording(.standard)
        let second = try Recording(.high720)
        let feed = MemoryFeed(Array(first.session.dropLast()) + second.session)
        let source = try Ingest.source(feed)
        _ = try source.open()
        #expect(try Ingest.readAll(source).count == first.frameCount)
        source.close()
        let next = try Ingest.source(feed)
        #expect(try next.open()[0].width == 1280)
        #expect(try Ingest.readAll(next).count == second.frameCount)
    }

    /// A malformed message fails the instance while its publisher stays connected; the next
    /// instance picks the publisher up again from its cached headers and next keyframe.
    @Test func afterAMalformedMessageTheNextInstancePicksThePublisherUpAgain() throws {
        let recording = try Recording(.standard)
        var session = recording.session
        let frames = recording.videoFrames
        let broken = try #require(session.firstIndex { $0 == .media(frames[10].message) })
        let at = frames[10].dts
        session[broken] = .media(IngestMedia(kind: .video, timestamp: at, payload: [0x27, 0x01, 0x00, 0x00, 0x00, 0, 0, 0, 9, 1]))
        let feed = MemoryFeed(session)
        let source = try Ingest.source(feed)
        let streams = try source.open()
        let error = try #require(throws: RelayError.self) { _ = try Ingest.readAll(source) }
        let message = "rtmp: malformed video message at \(at) ms: frame has a NAL unit of 9 bytes with 1 left"
        #expect(error == RelayError(.source, message))
        source.close()

        let next = try Ingest.source(feed)
        #expect(try next.open() == streams)
        let packets = try Ingest.readAll(next)
        let resumed = try #require(frames.dropFirst(11).first { $0.isKeyframe })
        #expect(packets.first?.isKeyframe == true && packets.first?.dts == resumed.dts)
        #expect(packets.allSatisfy { $0.newExtradata == nil })
    }
}
