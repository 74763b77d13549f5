import Foundation
import RelayCore
import Testing
import TestSupport

@testable import FLVIngest
@testable import RTMPSource

/// How the source decides what the publisher's streams are: from the sequence headers, with
/// onMetaData only telling it which kinds to wait for.
@Suite struct ProbeTests {
    /// The messages of `recording` with `moved` taken out and put back after the first media
    /// message stamped at or after `at` ms.
    static func session(_ recording: Recording, moving moved: (IngestMedia) -> Bool, after at: Int64) -> [IngestMessage] {
        var media = recording.messages
        let taken = media.filter(moved)
        media.removeAll(where: moved)
        let position = media.firstIndex { $0.kind != .data && $0.timestamp >= at } ?? media.count
        media.insert(contentsOf: taken, at: position)
        return [.publish(Ingest.publisher)] + media.map { .media($0) } + [.unpublish(reason: "done")]
    }

    static func isMetadata(_ media: IngestMedia) -> Bool { media.kind == .data }

    static func isAudioHeader(_ media: IngestMedia) -> Bool {
        media.kind == .audio && media.payload.count > 1 && media.payload[1] == 0
    }

    /// onMetaData after the media started: the streams come from the headers all the same,
    /// and the late metadata is no packet.
    @Test func lateMetadataIsNotWaitedFor() throws {
        let recording = try Recording(.standard)
        let source = try Ingest.source(MemoryFeed(Self.session(recording, moving: Self.isMetadata, after: 500)))
        let streams = try source.open()
        #expect(streams.map(\.kind) == [.video, .audio])
        #expect(streams[0].frameRate == nil)
        #expect(try Ingest.readAll(source).count == recording.frameCount)
    }

    /// The metadata names audio; its header comes 2 s into the video: the probe waits for it.
    @Test func aKindTheMetadataNamesIsWaitedFor() throws {
        let recording = try Recording(Recording.Spec(name: "late-audio", video: .init(), audio: .init(), seconds: 4))
        let session = Self.session(recording, moving: Self.isAudioHeader, after: 2000)
        let source = try Ingest.source(MemoryFeed(session))
        let streams = try source.open()
        #expect(streams.map(\.kind) == [.video, .audio])
        let audio = try Ingest.readAll(source).filter { $0.streamIndex == 1 }
        // Audio before its header cannot be decoded: it starts after the header.
        #expect(audio.first.map { $0.dts! >= 2000 } == true)
    }

    /// Without metadata and without a single audio message for 1 s of media time, the
    /// publisher is taken as video-only; audio appearing later is not a stream of this source.
    @Test func withoutMetadataOneSecondOfOneKindDecides() throws {
        let recording = try Recording(
            Recording.Spec(name: "no-metadata", video: .init(), audio: .init(), seconds: 3, metadata: false))
        let media = recording.messages.filter { $0.kind == .video || ($0.timestamp >= 1500 && !Self.isAudioHeader($0)) }
        let header = try #require(recording.messages.first(where: Self.isAudioHeader))
        let position = try #require(media.firstIndex { $0.kind == .audio })
        var session = media.map { IngestMessage.media($0) }
        session.insert(.media(header), at: position)
        let source = try Ingest.source(MemoryFeed([.publish(Ingest.publisher)] + session + [.unpublish(reason: "done")]))
        let streams = try source.open()
        #expect(streams.map(\.kind) == [.video])
        let packets = try Ingest.readAll(source)
        #expect(packets.allSatisfy { $0.streamIndex == 0 })
        #expect(packets.count == recording.videoFrames.count)
    }

    @Test(arguments: [Recording.Spec.videoOnly, .audioOnly])
    func oneKindWithoutMetadata(_ base: Recording.Spec) throws {
        var spec = base
        spec.metadata = false
        spec.name += "-no-metadata"
        let recording = try Recording(spec)
        let source = try Ingest.source(MemoryFeed(recording.session))
        let streams = try source.open()
        #expect(streams.map(\.kind) == [base.video == nil ? .audio : .video])
        #expect(streams.map(\.index) == [0])
        #expect(try Ingest.readAll(source).count == recording.frameCount)
    }

    /// The metadata names audio that never comes: after 3 s of video the source goes on
    /// without it, and says so.
    @Test func aKindTheMetadataNamesButNeverComesIsGivenUp() throws {
        let recording = try Recording(Recording.Spec(name: "no-audio-after-all", video: .init(), audio: .init(), seconds: 4))
        let withoutAudio = recording.messages.filter { $0.kind != .audio }
        let log = LogLines()
        let feed = MemoryFeed([.publish(Ingest.publisher)] + withoutAudio.map { .media($0) })
        let source = try Ingest.source(feed, log: log)
        #expect(try source.open().map(\.kind) == [.video])
        // It read 3 s of media time before deciding, and replays it.
        let packets = (0..<80).compactMap { _ in try? source.read() }
        #expect(packets.first?.dts == 0 && packets.count == 80)
        #expect(log.all.contains { $0.contains("announced audio but sent no sequence header for it") })
    }

    /// The metadata names audio that never comes, and the video stops short of 3 s of media
    /// time: the probe waits 5 s on the clock, then goes on with what it has.
    @Test func aSilentPublisherIsWaitedForFiveSecondsOfTheClock() throws {
        let recording = try Recording(.standard)
        let early = recording.messages.filter { $0.kind != .audio && $0.timestamp < 1000 }
        let clock = ManualClock()
        let feed = MemoryFeed([.publish(Ingest.publisher)] + early.map { .media($0) }, clock: clock)
        nonisolated(unsafe) let source = try Ingest.source(feed, clock: clock)
        let open = BackgroundCall { try source.open() }
        Ingest.poll(clock, to: .seconds(5), during: open)
        #expect(try open.wait()?.get().map(\.kind) == [.video])
    }

    /// Nothing decodable before the budget runs out: a clear failure, naming what came.
    @Test func nothingUsableFails() throws {
        let frames = (0..<StreamProbe.maxMessages).map {
            IngestMessage.media(IngestMedia(kind: .audio, timestamp: Int64($0) / 100, payload: [0xAF, 0x01, 0x21, 0x10]))
        }
        let source = try Ingest.source(MemoryFeed([.publish(Ingest.publisher)] + frames))
        #expect(
            throws: RelayError(
                .source,
                "rtmp: nothing usable from 203.0.113.7:50123 within 5s (0 video and 4096 audio messages, no onMetaData; "
                    + "no H.264 sequence header, no AAC sequence header)")
        ) { _ = try source.open() }
    }

    static let unsupported: [(name: String, arguments: [String], message: String)] = [
        ("sorenson", ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-c:v", "flv1"], "video codec Sorenson H.263"),
        ("adpcm", ["-f", "lavfi", "-i", "sine=sample_rate=44100", "-c:a", "adpcm_swf"], "audio codec ADPCM"),
        ("pcm", ["-f", "lavfi", "-i", "sine=sample_rate=44100", "-c:a", "pcm_s16le"], "audio codec linear PCM (little endian)"),
        ("nellymoser", ["-f", "lavfi", "-i", "sine=sample_rate=44100", "-c:a", "nellymoser"], "audio codec Nellymoser"),
    ]

    /// Real files in codecs FLV allows but relaygate does not ingest: refused by name.
    @Test(arguments: 0..<unsupported.count)
    func unsupportedCodecsAreRefusedByName(_ index: Int) throws {
        let (name, arguments, codec) = Self.unsupported[index]
        let directory = try TempDirectory("rtmpsource")
        let path = directory.file("\(name).flv")
        try FFmpeg.run(arguments + ["-t", "0.5", "-f", "flv", path])
        let messages = try FLVFile.messages(path)
        let source = try Ingest.source(MemoryFeed([.publish(Ingest.publisher)] + messages.map { .media($0) }))
        #expect(throws: RelayError(.source, "rtmp: unsupported \(codec); relaygate ingests H.264 and AAC")) {
            _ = try source.open()
        }
    }
}
