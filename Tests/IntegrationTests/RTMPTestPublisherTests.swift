import Foundation
import TestSupport
import Testing

/// The RTMP test publisher against third-party servers (nginx-rtmp, and ffmpeg's listen mode):
/// before it judges relaygate's ingest server, it has to be right where others are the judge.
/// nginx's HLS, its /stat page and its log, and ffprobe say whether what it sent arrived.
@Suite(.serialized)
struct RTMPTestPublisherTests {
    /// A 4 s 640x360 25 fps H.264 + AAC FLV from the ffmpeg CLI, made once for the suite.
    static let clip = Result { () throws -> (TempDirectory, RTMPTestPublisherFLV) in
        let directory = try TempDirectory("flv")
        try FFmpeg.generate(directory.file("clip.flv"), seconds: 4)
        return (directory, try RTMPTestPublisherFLV(path: directory.file("clip.flv")))
    }

    static func flv() throws -> RTMPTestPublisherFLV { try clip.get().1 }

    /// Publishes with `publisher`; throws unless the server answers `NetStream.Publish.Start`.
    static func start(_ publisher: RTMPTestPublisher) throws {
        let outcome = try publisher.publish()
        guard outcome == .started else { throw TestFailure("publish to \(publisher.url): \(outcome); \(publisher.replies)") }
    }

    /// A publisher that has started to publish `url` (its blocking calls made on a thread of their own).
    static func startedPublisher(_ url: String) async throws -> RTMPTestPublisher {
        let publisher = try RTMPTestPublisher(url)
        try await RTMPTestPublisherThread.run { try start(publisher) }
        return publisher
    }

    /// Publishes the whole clip to `url` on a thread of its own and unpublishes; the
    /// publisher is returned for what it recorded.
    static func publishClip(
        to url: String, options: RTMPTestPublisherOptions = .init(), media: RTMPTestPublisherMediaOptions = .init(realTime: false)
    ) async throws -> RTMPTestPublisher {
        let flv = try flv()
        return try await RTMPTestPublisherThread.run {
            let publisher = try RTMPTestPublisher(url, options: options)
            try start(publisher)
            try publisher.send(flv, media)
            try publisher.unpublish()
            return publisher
        }
    }

    /// What a viewer of nginx's HLS for `name` gets: H.264 640x360 and AAC 48 kHz, every
    /// video frame the publisher sent, on a timeline `videoSpan` seconds long (by default
    /// that of the frames at 25 fps) with no gap over `maxGap` seconds.
    static func expectHLS(
        of nginx: Nginx, _ name: String, from publisher: RTMPTestPublisher, videoSpan: Double? = nil, maxGap: Double = 0.1
    ) async throws {
        let recording = try await nginx.recording(name)
        let streams = try FFprobe.streams(recording)
        let video = try #require(streams.first { $0.codecType == "video" }, "\(streams)")
        let audio = try #require(streams.first { $0.codecType == "audio" }, "\(streams)")
        #expect(video.codecName == "h264" && video.width == 640 && video.height == 360, "\(video)")
        #expect(audio.codecName == "aac" && audio.sampleRate == 48000, "\(audio)")

        let sent = publisher.sent
        let videoTimes = try FFprobe.packets(recording, kind: "video").map(\.time).sorted()
        let audioCount = try FFprobe.packets(recording, kind: "audio").count
        #expect(sent.videoFrames == videoTimes.count, "video: sent \(sent.videoFrames), HLS \(videoTimes.count)")
        // nginx's HLS drops the last AAC frames it buffered when the stream ends: the ffmpeg CLI
        // publishing this clip gets 187 of its 189 into the HLS too.
        #expect(
            (sent.audioFrames - 3...sent.audioFrames).contains(audioCount), "audio: sent \(sent.audioFrames), HLS \(audioCount)")
        let span = (videoTimes.last ?? 0) - (videoTimes.first ?? 0)
        let expected = videoSpan ?? Double(sent.videoFrames - 1) / 25
        #expect(abs(span - expected) < 0.2, "video spans \(span) s, the clip \(expected) s")
        let gap = zip(videoTimes, videoTimes.dropFirst()).map { $1 - $0 }.max() ?? 99
        #expect(gap < maxGap, "largest gap between video frames \(gap) s")
    }

    /// The error `body` throws when run on a thread of its own, nil if it succeeds.
    static func failure(of body: @escaping @Sendable () throws -> Void) async throws -> RTMPTestPublisherError? {
        try await RTMPTestPublisherThread.run { () -> RTMPTestPublisherError? in
            do {
                try body()
                return nil
            } catch let error as RTMPTestPublisherError {
                return error
            }
        }
    }

    /// The frame rate nginx's /stat shows for stream `name`: it comes from `onMetaData` only
    /// (size and codec come from the sequence headers), so it tells whether metadata arrived.
    static func statFrameRate(_ nginx: Nginx, _ name: String) -> Int? {
        let xml = nginx.stat()
        guard let stream = xml.range(of: "<name>\(name)</name>"),
            let open = xml.range(of: "<frame_rate>", range: stream.upperBound..<xml.endIndex),
            let close = xml.range(of: "</frame_rate>", range: open.upperBound..<xml.endIndex)
        else { return nil }
        return Int(xml[open.upperBound..<close.lowerBound])
    }

    // MARK: Publishing to nginx-rtmp

    @Test(arguments: [128, 4096, 60000])
    func nginxMakesHLSOfTheClipAtEachChunkSize(chunkSize: Int) async throws {
        let nginx = try await Nginx()
        // nginx answers a C1 without version bytes with the old handshake, whose S2 echoes C1.
        let publisher = try await Self.publishClip(
            to: nginx.publishURL("live", "cs\(chunkSize)"), options: .init(requireEchoedS2: true, chunkSize: chunkSize))

        #expect(
            publisher.statuses.map(\.code) == ["NetStream.Publish.Start", "NetStream.Unpublish.Success"], "\(publisher.replies)")
        #expect(publisher.replies.first?.code == "NetConnection.Connect.Success")
        #expect(publisher.serverChunkSize == 4096 && publisher.serverWindowAcknowledgementSize == 5_000_000)
        #expect(!publisher.serverClosed)
        #expect(nginx.publishSessions("cs\(chunkSize)").map(\.clean) == [true], "nginx saw deleteStream before the disconnect")
        #expect(publisher.sent.videoFrames == (try Self.flv().videoFrameCount))
        try await Self.expectHLS(of: nginx, "cs\(chunkSize)", from: publisher)
    }

    @Test func theDigestHandshakeVerifiesAgainstNginxAndTheClipGoesAtRealTimePace() async throws {
        let nginx = try await Nginx()
        let publisher = try await Self.publishClip(
            to: nginx.publishURL("live", "digest"), options: .init(handshake: .digest, chunkSize: 4096),
            media: .init(realTime: true))
        // Real-time pace: every frame was held until its media time was due (the publisher's
        // own record), up to the clip's last frame, 3.96 s in. Load can only make it later.
        let sent = publisher.sent
        #expect(sent.sentEarly == 0 && sent.pacedUntilMilliseconds >= 3900, "\(sent)")
        #expect(publisher.statuses.first?.code == "NetStream.Publish.Start")
        try await Self.expectHLS(of: nginx, "digest", from: publisher)
    }

    /// Whether nginx's /stat shows frame rate `rate` for stream `meta`: 0 (no metadata) is
    /// read at once, since nothing was sent that could change it; 25 may take nginx a moment.
    static func statShows(_ rate: Int, _ nginx: Nginx) async -> Bool {
        guard rate != 0 else { return statFrameRate(nginx, "meta") == 0 }
        return await eventually(timeout: .seconds(30), every: .milliseconds(50)) { statFrameRate(nginx, "meta") == rate }
    }

    /// Waits until the publisher has sent media up to `milliseconds` of the clip.
    static func sentThrough(_ publisher: RTMPTestPublisher, _ milliseconds: UInt32) async -> Bool {
        await eventually(timeout: .seconds(30), every: .milliseconds(20)) { (publisher.sent.lastTimestamp ?? 0) >= milliseconds }
    }

    @Test(arguments: [
        RTMPTestPublisherMediaOptions.Metadata.first, .late(afterSeconds: 2), .never,
    ])
    func metadataFirstLateOrNever(metadata: RTMPTestPublisherMediaOptions.Metadata) async throws {
        let nginx = try await Nginx()
        let publisher = try await Self.startedPublisher(nginx.publishURL("live", "meta"))
        let run = publisher.startSending(try Self.flv(), .init(metadata: metadata))
        // Judged by how far the publisher got in the clip, not by the wall clock: at 1 s a late
        // metadata (due at 2 s) has not been sent; at 3 s it has. nginx shows what it received
        // shortly after; `eventually` waits for that, with a deadline only for a hang.
        #expect(await Self.sentThrough(publisher, 1000))
        let sentAt1s = publisher.sent.dataMessages
        let expectedAt1s = metadata == .first ? 25 : 0
        let settledAt1s = await Self.statShows(expectedAt1s, nginx)
        let rateAt1s = Self.statFrameRate(nginx, "meta")
        #expect(await Self.sentThrough(publisher, 3000))
        let expectedAt3s = metadata == .never ? 0 : 25
        let settledAt3s = await Self.statShows(expectedAt3s, nginx)
        try await run.finish(timeout: .seconds(30))
        try await RTMPTestPublisherThread.run { try publisher.unpublish() }

        #expect(settledAt1s, "at 1 s nginx shows \(String(describing: rateAt1s)), expected \(expectedAt1s)")
        #expect(settledAt3s, "at 3 s nginx shows \(String(describing: Self.statFrameRate(nginx, "meta"))), expected \(expectedAt3s)")
        switch metadata {
        case .first:
            #expect(sentAt1s == 1 && publisher.sent.dataMessages == 1)
        case .late:
            #expect(sentAt1s == 0 && publisher.sent.dataMessages == 1)
        case .never:
            #expect(sentAt1s == 0 && publisher.sent.dataMessages == 0)
        }
        try await Self.expectHLS(of: nginx, "meta", from: publisher)
    }

    @Test(arguments: [RTMPTestPublisherMediaOptions.ChunkStreams.separate, .interleaved])
    func audioAndVideoOnTwoChunkStreams(layout: RTMPTestPublisherMediaOptions.ChunkStreams) async throws {
        let nginx = try await Nginx()
        // 128-byte chunks: every video frame is many chunks, interleaved with audio's.
        let publisher = try await Self.publishClip(
            to: nginx.publishURL("live", "two"), options: .init(chunkSize: 128),
            media: .init(realTime: false, chunkStreams: layout))
        try await Self.expectHLS(of: nginx, "two", from: publisher)
    }

    @Test func timestampsThatWrapPast2To32StayOneTimelineInNginxsHLS() async throws {
        let nginx = try await Nginx()
        // 2 s before the wrap: the first half needs extended timestamps, the second does not.
        let offset = UInt32.max - 1999
        let publisher = try await Self.publishClip(
            to: nginx.publishURL("live", "wrap"), options: .init(chunkSize: 4096),
            media: .init(realTime: false, timestampOffset: offset, chunkStreams: .interleaved))
        let sent = publisher.sent
        #expect(sent.firstTimestamp == offset && sent.wrapped && sent.extendedTimestamps > 50, "\(sent)")
        #expect((sent.lastTimestamp ?? 0) < 2100, "\(sent)")
        // 2^32 ms is 45 × 2^33 ticks of 90 kHz, so MPEG-TS time runs on across the wrap.
        try await Self.expectHLS(of: nginx, "wrap", from: publisher)
    }

    @Test func loopingKeepsTimestampsRisingAndSendsHeadersOnce() async throws {
        let nginx = try await Nginx()
        let flv = try Self.flv()
        let publisher = try await Self.publishClip(to: nginx.publishURL("live", "loop"), media: .init(realTime: false, loops: 3))
        let sent = publisher.sent
        #expect(sent.videoFrames == 3 * flv.videoFrameCount && sent.audioFrames == 3 * flv.audioFrameCount, "\(sent)")
        #expect(sent.sequenceHeaders == 2 && sent.dataMessages == 1 && sent.endsOfSequence == 1, "\(sent)")
        // Each pass starts after the longer stream (audio) ends: about two video frames' pause.
        let videoTimes = flv.tags.filter { $0.kind == .video && $0.isFrame }.map(\.timestamp)
        let span = Double(2 * flv.loopDurationMilliseconds + videoTimes.max()! - videoTimes.min()!) / 1000
        try await Self.expectHLS(of: nginx, "loop", from: publisher, videoSpan: span, maxGap: 0.15)
    }

    // MARK: What nginx answers

    @Test func aPublishRefusedByOnPublishIsClosedWithoutAStatus() async throws {
        let nginx = try await Nginx.guarded(allowing: "goodkey")
        let publisher = try RTMPTestPublisher(nginx.publishURL("guarded", "badkey"))
        let error = try await Self.failure { _ = try publisher.publish() }
        // What nginx-rtmp 1.2 does when on_publish answers 403: no onStatus, it just closes.
        #expect(error == .closedByServer(during: "onStatus after publish"), "\(String(describing: error))")
        #expect(publisher.serverClosed)
        #expect(publisher.statuses.isEmpty, "\(publisher.statuses)")
        #expect(publisher.replies.map(\.command) == ["_result", "_result"], "connect and createStream were answered")
        #expect(nginx.errorLog.contains("notify: publish"))

        let allowed = try await Self.publishClip(to: nginx.publishURL("guarded", "goodkey"))
        #expect(allowed.statuses.first?.code == "NetStream.Publish.Start")
    }

    @Test func aSecondPublisherOfTheSameNameIsToldBadName() async throws {
        let nginx = try await Nginx()
        let first = try await Self.startedPublisher(nginx.publishURL("live", "dup"))
        let run = first.startSending(try Self.flv(), .init(loops: nil))
        #expect(await Self.sentThrough(first, 1000))

        let (second, outcome) = try await RTMPTestPublisherThread.run {
            let second = try RTMPTestPublisher(nginx.publishURL("live", "dup"))
            let outcome = try second.publish()
            try second.listen(for: .seconds(1))
            return (second, outcome)
        }
        #expect(outcome == .rejected(code: "NetStream.Publish.BadName", description: "Already publishing"))
        #expect(second.statuses.last?.level == "error")
        // nginx leaves the refused connection open; the first publisher carries on.
        #expect(!second.serverClosed)
        #expect(!run.isFinished && !first.serverClosed)
        try await RTMPTestPublisherThread.run { second.disconnect() }

        try await run.stop()
        try await RTMPTestPublisherThread.run { try first.unpublish() }
        #expect(first.sent.videoFrames > 25, "\(first.sent)")
        #expect(nginx.publishSessions("dup").count == 2)
    }

    @Test func anIdlePublisherAnswersNginxsPingsAndAcknowledgesItsWindow() async throws {
        // nginx pings a connection that has been quiet for 1 s and drops it if the ping is
        // not answered within 1 s; it asks for an acknowledgement every 100 bytes.
        let nginx = try await Nginx(rtmpApplications: "ping 1s; ping_timeout 1s; ack_window 100;")
        let publisher = try await RTMPTestPublisherThread.run {
            let publisher = try RTMPTestPublisher(nginx.publishURL("live", "idle"))
            try Self.start(publisher)
            // Quiet until nginx has pinged twice (after 1 s of quiet each), or the deadline.
            let deadline = ContinuousClock.now + .seconds(30)
            while publisher.pingsAnswered < 2, !publisher.serverClosed, ContinuousClock.now < deadline {
                try publisher.listen(for: .milliseconds(500))
            }
            return publisher
        }
        #expect(!publisher.serverClosed, "nginx: \(nginx.errorLog)")
        #expect(publisher.pingsAnswered >= 2, "\(publisher.pingsAnswered)")
        #expect(publisher.serverWindowAcknowledgementSize == 100 && publisher.acknowledgementsSent >= 1)
        #expect(!nginx.errorLog.contains("ping: unresponded"))
        try await RTMPTestPublisherThread.run { publisher.disconnect() }
    }

    @Test func anAbruptCloseAndACleanUnpublishAsNginxLogsThem() async throws {
        let nginx = try await Nginx()
        let (abruptStatuses, publisher) = try await RTMPTestPublisherThread.run {
            let publisher = try RTMPTestPublisher(nginx.publishURL("live", "again"))
            try Self.start(publisher)
            try publisher.send(try Self.flv(), .init(realTime: false))
            publisher.disconnect(abrupt: true)
            let abruptStatuses = publisher.statuses.compactMap(\.code)
            // The same publisher connects again once nginx has let go of the name.
            try nginx.waitUntilPublishEnded("again")
            try Self.start(publisher)
            try publisher.send(try Self.flv(), .init(realTime: false))
            try publisher.unpublish()
            return (abruptStatuses, publisher)
        }
        try nginx.waitUntilPublishEnded("again")
        #expect(nginx.publishSessions("again").map(\.clean) == [false, true], "deleteStream only before the second disconnect")
        #expect(abruptStatuses == ["NetStream.Publish.Start"])
        #expect(publisher.statuses.compactMap(\.code).suffix(2) == ["NetStream.Publish.Start", "NetStream.Unpublish.Success"])
        #expect(publisher.sent.videoFrames == 2 * (try Self.flv().videoFrameCount))
    }
}
