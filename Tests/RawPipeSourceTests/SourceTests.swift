import Foundation
import Glibc
import Logging
import RelayCore
import Synchronization
import Testing
import TestSupport

@testable import RawPipeSource

/// The source against real FIFOs, fed by a writer thread in the test.
@Suite struct RawPipeSourceTests {
    static let width = 64, height = 48, frameBytes = 64 * 48 * 3 / 2

    static func options(
        _ directory: TempDirectory, audio: Bool = false, clock: RawPipeSourcePlugin.Clock = .arrival,
        queue: Duration = .milliseconds(200), openTimeout: Duration = .seconds(5)
    ) -> RawPipeSourcePlugin.Options {
        RawPipeSourcePlugin.Options(
            video: .init(path: directory.file("{channel}.yuv"), width: width, height: height, fps: 25),
            audio: audio ? .init(path: directory.file("{channel}.pcm"), sampleRate: 48000, channels: 2) : nil,
            clock: clock, queue: queue, openTimeout: openTimeout)
    }

    static func source(_ options: RawPipeSourcePlugin.Options, stop: StopSignal = StopSignal()) throws -> any MediaSource {
        let context = StageContext(route: "r", channel: "cam", logger: Logger(label: "test"), stop: stop)
        return try RawPipeSourcePlugin.makeSource(options: options, context: context)
    }

    /// The source on `clock` instead of the system's.
    static func source(
        _ options: RawPipeSourcePlugin.Options, stop: StopSignal = StopSignal(), clock: ManualClock
    ) throws -> RawPipeSource {
        try RawPipeSource(
            options: options, context: StageContext(route: "r", channel: "cam", logger: Logger(label: "test"), stop: stop),
            clock: clock)
    }

    /// Waits until `condition` holds; the deadline only catches a hang.
    static func waitUntil(_ condition: () -> Bool) -> Bool {
        let giveUp = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < giveUp else { return false }
            Thread.sleep(forTimeInterval: 0.005)
        }
        return true
    }

    /// Opens `path` for writing on a thread of its own (that blocks until a reader opens
    /// it), writes `chunks` one after the other, then closes it.
    static func write(_ path: String, _ chunks: [[UInt8]], pause: Duration = .zero) {
        Thread.detachNewThread {
            let fd = Glibc.open(path, O_WRONLY)
            guard fd >= 0 else { return }
            defer { Glibc.close(fd) }
            for chunk in chunks {
                _ = chunk.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if pause > .zero { Thread.sleep(forTimeInterval: pause.seconds) }
            }
        }
    }

    static func frame(_ value: UInt8) -> [UInt8] { Array(repeating: value, count: frameBytes) }

    @Test func framesThenWriterGoneWithAPartialFrame() throws {
        let directory = try TempDirectory("rawpipe")
        let source = try Self.source(Self.options(directory))
        #expect(source.displayName.hasPrefix("rawpipe \(directory.path)/cam.yuv 64x48@25"))
        let path = directory.file("cam.yuv")
        #expect(mkfifo(path, 0o600) == 0)
        Self.write(path, [Self.frame(1), Self.frame(2), Self.frame(3) + Array(Self.frame(4).prefix(100))])
        let streams = try source.open()
        defer { source.close() }
        #expect(streams.count == 1)
        #expect(streams[0].codec == "rawvideo" && streams[0].pixelFormat == "yuv420p" && streams[0].width == 64)
        #expect(streams[0].timeBase == Rational(1, 1_000_000) && streams[0].frameRate == Rational(25, 1))

        var packets: [MediaPacket] = []
        let error = #expect(throws: RelayError.self) {
            while let packet = try source.read() { packets.append(packet) }
        }
        #expect(packets.map { $0.data.first } == [1, 2, 3])
        #expect(packets.allSatisfy { $0.data.count == Self.frameBytes && $0.isKeyframe && $0.duration == 40_000 })
        #expect(zip(packets, packets.dropFirst()).allSatisfy { $0.pts! < $1.pts! })
        #expect(error?.errorClass == .source)
        #expect(
            error?.message
                == "rawpipe: writer closed \(path) (video); the last 100 bytes, a partial video chunk, were discarded")
    }

    /// relaygate makes missing FIFOs (0660) and refuses a path that is something else.
    @Test func createsMissingFIFOsAndRefusesOtherFiles() throws {
        let directory = try TempDirectory("rawpipe")
        let source = try Self.source(Self.options(directory, audio: true, openTimeout: .milliseconds(300)))
        #expect(throws: RelayError(.source, "rawpipe: no writer sent data on \(directory.path)/cam.yuv, \(directory.path)/cam.pcm within 300ms")) {
            _ = try source.open()
        }
        source.close()
        for name in ["cam.yuv", "cam.pcm"] {
            var info = stat()
            #expect(lstat(directory.file(name), &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFIFO && info.st_mode & 0o777 == 0o660)
        }

        let other = try TempDirectory("rawpipe")
        try other.write("cam.yuv", "not a pipe")
        let refused = try Self.source(Self.options(other))
        #expect(throws: RelayError(.source, "rawpipe: \(other.path)/cam.yuv exists and is not a named pipe (FIFO)")) {
            _ = try refused.open()
        }
        refused.close()
    }

    /// Without a writer, `open` waits exactly the open timeout on its clock, then fails.
    @Test func theOpenTimeoutIsWaitedOutOnTheClock() throws {
        let directory = try TempDirectory("rawpipe")
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Self.source(Self.options(directory, openTimeout: .milliseconds(300)), clock: clock)
        defer { source.close() }
        let open = BackgroundCall { try source.open() }
        // It looks at the stop signal every 100 ms, and never waits past the timeout.
        for deadline in [100, 200, 300].map(Duration.milliseconds) {
            #expect(clock.waitForSleeper() == deadline)
            #expect(!open.isFinished, "gave up before \(deadline)")
            clock.advance(to: deadline)
        }
        let error = RelayError(.source, "rawpipe: no writer sent data on \(directory.path)/cam.yuv within 300ms")
        #expect(throws: error) { try open.wait()?.get() }
    }

    /// A relay that stops while waiting for a writer is not held up by the open timeout: the
    /// wait ends at the next look at the stop signal, 100 ms of the 30 s timeout later.
    @Test func stopEndsTheWaitForAWriter() throws {
        let directory = try TempDirectory("rawpipe")
        let stop = StopSignal()
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Self.source(
            Self.options(directory, openTimeout: .seconds(30)), stop: stop, clock: clock)
        defer { source.close() }
        let open = BackgroundCall { try source.open() }
        #expect(clock.waitForSleeper() == .milliseconds(100))
        stop.raise()
        clock.advance(to: .milliseconds(100))
        #expect(throws: RelayError(.source, "rawpipe: stopped while waiting for a writer")) { try open.wait()?.get() }
    }

    /// A writer far ahead of a slow reader: the queue keeps the newest frames, the rest are
    /// dropped and counted, and what is read is still in order.
    @Test func aFastWriterIsBoundedAndDropsAreCounted() throws {
        let directory = try TempDirectory("rawpipe")
        let source = try Self.source(Self.options(directory))
        let path = directory.file("cam.yuv")
        #expect(mkfifo(path, 0o600) == 0)
        Self.write(path, (0..<100).map { Self.frame(UInt8($0)) })
        _ = try source.open()
        defer { source.close() }
        // The 100th frame pushes the 95th out of the 5-frame queue.
        #expect(Self.waitUntil { source.droppedPackets >= 95 })
        var values: [UInt8] = []
        #expect(throws: RelayError.self) {
            while let packet = try source.read() { values.append(packet.data[0]) }
        }
        // 200 ms at 25 fps: 5 frames fit.
        #expect(values == Array(95..<100))
        #expect(source.droppedPackets == 95)
    }

    /// Declared clock: pts count frames and samples, streams come out merged in time order,
    /// each exactly at its media time on the clock (never sooner); once both writers are
    /// gone, the queues drain first.
    @Test func declaredClockPacesAndMerges() throws {
        let directory = try TempDirectory("rawpipe")
        let clock = ManualClock()
        nonisolated(unsafe) let source = try Self.source(
            Self.options(directory, audio: true, clock: .declared, queue: .seconds(2)), clock: clock)
        let video = directory.file("cam.yuv"), audio = directory.file("cam.pcm")
        #expect(mkfifo(video, 0o600) == 0 && mkfifo(audio, 0o600) == 0)
        // 0.4 s of video and 0.44 s of audio, written at once.
        Self.write(video, (0..<10).map { Self.frame(UInt8($0)) })
        Self.write(audio, (0..<22).map { _ in [UInt8](repeating: 0, count: 960 * 4) })
        let streams = try source.open()
        defer { source.close() }
        #expect(streams.map(\.timeBase) == [Rational(1, 25), Rational(1, 48000)])
        #expect(streams[1].codec == "pcm_s16le" && streams[1].frameSize == 960 && streams[1].channels == 2)
        #expect(Self.waitUntil { source.queuedChunks == 32 })

        let released = Mutex<[(packet: MediaPacket, at: Duration)]>([])
        let reading = BackgroundCall {
            while let packet = try source.read() { released.withLock { $0.append((packet, clock.now)) } }
        }
        // Video is due every 40 ms, audio every 20 ms: the reader sleeps until each 20 ms step,
        // with everything due before it out.
        for step in 1...21 {
            let due = Duration.milliseconds(step * 20)
            #expect(clock.waitForSleeper() == due)
            let out = released.withLock { $0.map(\.packet) }
            #expect(out.filter { $0.streamIndex == 0 }.count == min(10, (step - 1) / 2 + 1), "before \(due)")
            #expect(out.filter { $0.streamIndex == 1 }.count == step, "before \(due)")
            clock.advance(to: due)
        }
        let error = #expect(throws: RelayError.self) { try reading.wait()?.get() }
        #expect(error?.message == "rawpipe: writer closed \(video) (video)")
        let out = released.withLock { $0 }
        #expect(out.filter { $0.packet.streamIndex == 0 }.map(\.packet.pts) == (0..<10).map { Int64($0) })
        // Both writers are gone, so everything received still goes out.
        #expect(out.filter { $0.packet.streamIndex == 1 }.map(\.packet.pts) == (0..<22).map { Int64($0 * 960) })
        for (packet, at) in out {
            let due = Duration.nanoseconds(StreamClock.nanoseconds(packet.pts!, per: packet.streamIndex == 0 ? 25 : 48000))
            #expect(at == due, "stream \(packet.streamIndex) pts \(packet.pts!) released at \(at)")
        }
        let seconds = out.map { Double($0.packet.pts!) / ($0.packet.streamIndex == 0 ? 25 : 48000) }
        #expect(seconds == seconds.sorted())
        #expect(source.droppedPackets == 0)
    }
}
