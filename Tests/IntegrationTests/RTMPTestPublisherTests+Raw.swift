import Foundation
import Synchronization
import TestSupport
import Testing

/// The RTMP test publisher where its handshake must fail, where a server never answers,
/// and over raw connections and its own chunk codec (the suite is RTMPTestPublisherTests).
extension RTMPTestPublisherTests {
    // MARK: Handshake checks that must fail, against ffmpeg's RTMP server

    /// `ffmpeg -listen 1` receiving one RTMP publish into `output` (FLV, stream copy).
    static func ffmpegServer(port: Int, output: String, logs: TempDirectory) throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/ffmpeg",
            [
                "-hide_banner", "-nostdin", "-loglevel", "error", "-listen", "1", "-i", "rtmp://127.0.0.1:\(port)/app/key",
                "-c", "copy", "-y", output,
            ],
            logDirectory: logs.path, name: "ffmpeg-server")
    }

    /// Connects once ffmpeg listens (a probe connection would use up its one accept).
    static func connectWhenListening(_ publisher: RTMPTestPublisher) throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try publisher.connect()
            } catch RTMPTestPublisherError.socket(let why) where ContinuousClock.now < deadline {
                _ = why
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    @Test func theDigestHandshakeFailsAgainstAServerThatDoesNotSignS1() async throws {
        let logs = try TempDirectory("ffmpeg-server")
        let port = FreePort.next()
        let server = try Self.ffmpegServer(port: port, output: logs.file("out.flv"), logs: logs)
        defer { server.signal(SIGKILL) }
        let publisher = try RTMPTestPublisher("rtmp://127.0.0.1:\(port)/app/key", options: .init(handshake: .digest))
        let error = try await Self.failure { try Self.connectWhenListening(publisher) }
        // ffmpeg's server answers with the simple handshake: random S1, S2 echoing C1.
        guard case .handshakeFailed(let why) = error else {
            Issue.record("expected a handshake failure, got \(String(describing: error))")
            return
        }
        #expect(why.contains("S1 carries no digest"), "\(why)")
    }

    @Test func thePlainHandshakeWithAnEchoedS2PublishesToFFmpegsServer() async throws {
        let logs = try TempDirectory("ffmpeg-server")
        let port = FreePort.next()
        let server = try Self.ffmpegServer(port: port, output: logs.file("out.flv"), logs: logs)
        defer { server.signal(SIGKILL) }
        let flv = try Self.flv()
        let publisher = try await RTMPTestPublisherThread.run {
            let publisher = try RTMPTestPublisher(
                "rtmp://127.0.0.1:\(port)/app/key", options: .init(requireEchoedS2: true, chunkSize: 4096))
            try Self.connectWhenListening(publisher)
            try Self.start(publisher)
            try publisher.send(flv, .init(realTime: false))
            try publisher.unpublish()
            return publisher
        }
        #expect(await server.wait(timeout: .seconds(10)) == 0, "ffmpeg: \(server.stderr)")
        let streams = try FFprobe.streams(logs.file("out.flv"))
        #expect(streams.map(\.codecName).sorted() == ["aac", "h264"], "\(streams)")
        let video = streams.first { $0.codecType == "video" }
        #expect(video?.width == 640 && video?.height == 360, "\(streams)")
        let frames = try FFprobe.packets(logs.file("out.flv"), kind: "video").count
        let audioFrames = try FFprobe.packets(logs.file("out.flv"), kind: "audio").count
        let sent = publisher.sent
        #expect(
            frames == sent.videoFrames && audioFrames == sent.audioFrames, "ffmpeg wrote \(frames) + \(audioFrames) of \(sent)")
    }

    // MARK: Timeouts and raw connections

    @Test func aServerThatNeverAnswersTimesOutInsteadOfHanging() async throws {
        let silent = try SilentListener()
        let publisher = try RTMPTestPublisher("rtmp://127.0.0.1:\(silent.port)/live/x", options: .init(timeout: .seconds(1)))
        let outcome = Mutex<RTMPTestPublisherError??>(nil)
        let thread = Thread {
            let result: RTMPTestPublisherError?
            do {
                try publisher.connect()
                result = nil
            } catch let failure as RTMPTestPublisherError {
                result = failure
            } catch {
                result = .socket("\(error)")
            }
            outcome.withLock { $0 = .some(result) }
        }
        thread.start()
        // A deadline that only catches a hang: the publisher's own 1 s timeout ends it.
        let ended = await eventually(timeout: .seconds(30), every: .milliseconds(20)) { outcome.withLock { $0 != nil } }
        try #require(ended, "connect() hung")
        let error = outcome.withLock { $0 } ?? nil
        guard case .timeout(let what) = error else {
            Issue.record("expected a timeout, got \(String(describing: error))")
            return
        }
        #expect(what.contains("S0"), "\(what)")
    }

    @Test func aRawConnectionSeesNginxDropAMalformedHandshake() async throws {
        let nginx = try await Nginx()
        let closed = try await RTMPTestPublisherThread.run { () -> Bool in
            let raw = try RTMPTestPublisherRawConnection(port: nginx.rtmpPort)
            // Version 6 (RTMPE) is not what nginx speaks.
            try raw.send([0x06] + [UInt8](repeating: 0, count: 1536))
            return try raw.waitForClose(timeout: .seconds(3)) && raw.received.isEmpty
        }
        #expect(closed, "nginx: \(nginx.errorLog)")
    }

    @Test func aRawConnectionSendsAHandMadeConnectAndReadsNginxsAnswer() async throws {
        let nginx = try await Nginx()
        let (waited, messages) = try await RTMPTestPublisherThread.run { () -> (Bool, [RTMPTestPublisherMessage]) in
            let raw = try RTMPTestPublisherRawConnection(port: nginx.rtmpPort)
            try raw.handshake()
            // connect(1, {app: "live"}) in AMF0, written out by hand.
            var amf: [UInt8] = [0x02, 0x00, 0x07] + Array("connect".utf8)
            amf += [0x00, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0]
            amf += [0x03, 0x00, 0x03] + Array("app".utf8) + [0x02, 0x00, 0x04] + Array("live".utf8) + [0x00, 0x00, 0x09]
            var writer = RTMPTestPublisherChunkWriter()
            let bytes = writer.encode(
                RTMPTestPublisherMessage(chunkStream: 3, type: RTMPTestPublisherMessage.amf0Command, payload: amf))
            // First a truncated chunk: nginx waits for the rest rather than failing.
            try raw.send(Array(bytes.prefix(20)))
            let waited = try raw.read(for: .milliseconds(500)).isEmpty && !raw.serverClosed
            try raw.send(Array(bytes.dropFirst(20)))
            try raw.read(for: .seconds(1))
            raw.close()
            return (waited, try raw.messages())
        }
        #expect(waited, "nginx answered or closed after a truncated chunk")
        #expect(
            messages.contains {
                $0.type == RTMPTestPublisherMessage.windowAcknowledgementSize && $0.payload == [0x00, 0x4C, 0x4B, 0x40]
            })
        #expect(messages.contains { $0.type == RTMPTestPublisherMessage.setChunkSize && $0.payload == [0, 0, 0x10, 0] })
        let result = try #require(messages.last { $0.type == RTMPTestPublisherMessage.amf0Command })
        #expect(String(decoding: result.payload, as: UTF8.self).contains("NetConnection.Connect.Success"))
    }

    @Test func theChunkReaderReadsWhatTheChunkWriterWrites() throws {
        // Every header form: fmt 0–3, extended timestamps (also across fmt 3 continuations and
        // the 2^32 wrap), one-, two- and three-byte chunk stream ids, an empty message, two chunk sizes.
        let payload = (0..<1000).map { UInt8(truncatingIfNeeded: $0) }
        let messages: [RTMPTestPublisherMessage] = [
            .init(chunkStream: 4, type: 8, streamID: 1, timestamp: 0xFFFF_F000, payload: payload),
            .init(chunkStream: 4, type: 8, streamID: 1, timestamp: 0xFFFF_F400, payload: payload),
            .init(chunkStream: 4, type: 8, streamID: 1, timestamp: 0xFFFF_F800, payload: payload),
            .init(chunkStream: 4, type: 8, streamID: 1, timestamp: 0xFFFF_FC00, payload: payload),
            .init(chunkStream: 4, type: 8, streamID: 1, timestamp: 0x0000_0010, payload: Array(payload.prefix(10))),
            .init(chunkStream: 100, type: 9, streamID: 1, timestamp: 0x0100_0000, payload: payload),
            .init(chunkStream: 100, type: 9, streamID: 1, timestamp: 0x0100_0028, payload: payload),
            .init(chunkStream: 100, type: 9, streamID: 1, timestamp: 0x0100_0050, payload: payload),
            .init(chunkStream: 1000, type: 18, streamID: 2, timestamp: 5, payload: []),
            .init(chunkStream: 4, type: 8, streamID: 1, timestamp: 3, payload: payload),
        ]
        var writer = RTMPTestPublisherChunkWriter(chunkSize: 128)
        var bytes: [UInt8] = []
        for message in messages { bytes += writer.encode(message) }
        var reader = RTMPTestPublisherChunkReader()
        var read: [RTMPTestPublisherMessage] = []
        // Fed in odd-sized pieces, as TCP may deliver them.
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 37)
            reader.append(Array(bytes[offset..<end]))
            offset = end
            while let message = try reader.next() { read.append(message) }
        }
        #expect(read == messages)

        var uncompressed = RTMPTestPublisherChunkWriter(chunkSize: 4096, compressHeaders: false)
        var wide = RTMPTestPublisherChunkReader()
        wide.chunkSize = 4096
        wide.append(messages.flatMap { uncompressed.encode($0) })
        var readWide: [RTMPTestPublisherMessage] = []
        while let message = try wide.next() { readWide.append(message) }
        #expect(readWide == messages)
    }
}
