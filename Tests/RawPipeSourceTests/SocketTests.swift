import Foundation
import Glibc
import Logging
import RelayCore
import Testing
import TestSupport

@testable import RawPipeSource

/// The `socket` variant against a real unix socket, with a writer in the test.
@Suite struct RawPipeSocketTests {
    static let frameBytes = 64 * 48 * 3 / 2

    static func options(_ path: String, queue: Duration = .seconds(1)) -> RawPipeSourcePlugin.Options {
        RawPipeSourcePlugin.Options(
            video: .init(path: nil, width: 64, height: 48, fps: 25),
            audio: .init(path: nil, sampleRate: 48000, channels: 2), socket: path, queue: queue,
            openTimeout: .seconds(5))
    }

    static func source(_ options: RawPipeSourcePlugin.Options) throws -> any MediaSource {
        let context = StageContext(route: "r", channel: "cam", logger: Logger(label: "test"), stop: StopSignal())
        return try RawPipeSourcePlugin.makeSource(options: options, context: context)
    }

    static func message(stream: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let n = UInt32(payload.count)
        return [stream, 0, 0, 0, UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)] + payload
    }

    /// Connects to `path` once it exists, sends `bytes` in one go, then hangs up.
    static func send(to path: String, _ bytes: [UInt8]) {
        Thread.detachNewThread {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            // The source makes the socket when it opens; until then, retry (a hang guard only).
            let giveUp = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < giveUp {
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                    }
                }
                if connected == 0 { break }
                Thread.sleep(forTimeInterval: 0.02)
            }
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { return }
                offset += n
            }
        }
    }

    /// Frames and audio in messages of any size come out as whole frames and 20 ms chunks;
    /// the hang-up ends the source and the socket file goes with it.
    @Test func framedMessagesBecomePackets() throws {
        let directory = try TempDirectory("rawpipe")
        let path = directory.file("{channel}.sock")
        let source = try Self.source(Self.options(path))
        #expect(source.displayName == "rawpipe socket \(directory.path)/cam.sock 64x48@25 + 48000Hz 2ch clock=arrival")
        // 30 ms of audio, a frame, 10 ms, 10 ms: two whole 20 ms chunks and half of one.
        let audio = (0..<(2400 * 4)).map { UInt8(truncatingIfNeeded: $0) }
        Self.send(
            to: directory.file("cam.sock"),
            Self.message(stream: 1, Array(audio[..<5760])) + Self.message(stream: 0, Array(repeating: 7, count: Self.frameBytes))
                + Self.message(stream: 1, Array(audio[5760..<7680])) + Self.message(stream: 1, Array(audio[7680...]))
                + [0, 0])
        _ = try source.open()
        var packets: [MediaPacket] = []
        let error = #expect(throws: RelayError.self) {
            while let packet = try source.read() { packets.append(packet) }
        }
        source.close()
        #expect(error?.message == "rawpipe: writer closed \(directory.path)/cam.sock (socket); a partial header was discarded")
        let video = packets.filter { $0.streamIndex == 0 }, sound = packets.filter { $0.streamIndex == 1 }
        #expect(video.count == 1 && video[0].data == Array(repeating: 7, count: Self.frameBytes))
        #expect(sound.count == 2)
        #expect(sound.map(\.data) == [Array(audio[..<3840]), Array(audio[3840..<7680])], "audio differs")
        #expect(!FileManager.default.fileExists(atPath: directory.file("cam.sock")))
    }

    /// A message that does not fit the declared formats fails the source with a reason.
    @Test func aWrongFrameSizeIsAProtocolError() throws {
        let directory = try TempDirectory("rawpipe")
        let source = try Self.source(Self.options(directory.file("s.sock")))
        Self.send(to: directory.file("s.sock"), Self.message(stream: 0, [1, 2, 3]))
        _ = try source.open()
        defer { source.close() }
        #expect(throws: RelayError(.source, "rawpipe: socket: a video message holds 3 bytes; one frame is \(Self.frameBytes)")) {
            while try source.read() != nil {}
        }
    }

    @Test func headerChecks() throws {
        let framing = SocketFraming(
            video: .init(path: nil, width: 16, height: 16, fps: 1), audio: .init(path: nil, sampleRate: 8000, channels: 1))
        #expect(try framing.parse([0, 0, 0, 0, 128, 1, 0, 0]) == .init(stream: 0, length: 384))
        #expect(try framing.parse([1, 0, 0, 0, 2, 0, 0, 0]) == .init(stream: 1, length: 2))
        #expect(throws: RelayError(.source, "rawpipe: socket: an audio message holds 3 bytes; expected a multiple of 2 up to 16000")) {
            try framing.parse([1, 0, 0, 0, 3, 0, 0, 0])
        }
        #expect(throws: RelayError(.source, "rawpipe: socket: unknown stream 2 (0 is video, 1 audio)")) {
            try framing.parse([2, 0, 0, 0, 0, 0, 0, 0])
        }
        #expect(throws: RelayError(.source, "rawpipe: socket: reserved header bytes must be zero")) {
            try framing.parse([0, 1, 0, 0, 128, 1, 0, 0])
        }
    }
}
