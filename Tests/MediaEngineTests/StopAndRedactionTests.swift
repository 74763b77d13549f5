import Foundation
import Logging
import MediaEngine
import PullSource
import RTMPSink
import RelayCore
import Testing
import TestSupport

@Suite struct StopAndRedactionTests {
    static func context(stop: StopSignal) -> StageContext {
        StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: stop)
    }

    static func pull(
        _ url: String, openTimeout: Duration, readTimeout: Duration = .seconds(10), stop: StopSignal
    ) throws -> any MediaSource {
        let options = PullSourcePlugin.Options(
            url: try RemoteURL(url, allowedSchemes: ["rtmp"]), openTimeout: openTimeout, readTimeout: readTimeout)
        return try PullSourcePlugin.makeSource(options: options, context: context(stop: stop))
    }

    /// Whether a TCP connection to 127.0.0.1:`port` is established (from /proc/net/tcp): the
    /// client's end of it, so its connect has gone through.
    static func connected(toPort port: Int) -> Bool {
        // Read to the end: procfs files have no size for String(contentsOfFile:) to go by.
        let bytes = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/net/tcp")).readToEnd()) ?? Data()
        let table = String(decoding: bytes, as: UTF8.self)
        let remote = String(format: "0100007F:%04X", port)
        return table.split(separator: "\n").dropFirst().contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[2] == remote && fields[3] == "01"
        }
    }

    /// A peer that accepts and never answers hangs the RTMP handshake; raising the stop
    /// signal ends the open through the interrupt callback: the open fails as stopped, not
    /// by its (or the read's) 60 s timeout. (How soon the callback reacts is checked on a
    /// manual clock in `InterruptTimingTests`.)
    @Test func stopInterruptsAHangingOpen() throws {
        let listener = try SilentListener()
        let stop = StopSignal()
        let port = listener.port
        nonisolated(unsafe) let source = try Self.pull(
            "rtmp://127.0.0.1:\(port)/live/key", openTimeout: .seconds(60), readTimeout: .seconds(60), stop: stop)
        let open = BackgroundCall { try source.open() }
        // Until the open is in the handshake; the guard only catches a connection that never shows.
        let giveUp = ContinuousClock.now + .seconds(60)
        while !Self.connected(toPort: port), !open.isFinished, ContinuousClock.now < giveUp {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(!open.isFinished, "the open ended before the stop")
        stop.raise()
        let error = #expect(throws: RelayError.self) { try open.wait()?.get() }
        #expect(error?.errorClass == .source)
        #expect(error?.message == "rtmp://127.0.0.1:\(port)/live/***: open: stopped")
    }

    /// The open timeout ends an open that hangs, as a timeout (not `rw_timeout`'s error, nor a
    /// stop). Its timing is checked on a manual clock in `InterruptTimingTests`.
    @Test func openTimeoutIsHonored() throws {
        let listener = try SilentListener()
        let source = try Self.pull(
            "rtmp://127.0.0.1:\(listener.port)/live/key", openTimeout: .seconds(1), stop: StopSignal())
        let error = try #require(throws: RelayError.self) { _ = try source.open() }
        #expect(error.errorClass == .source)
        #expect(error.message == "rtmp://127.0.0.1:\(listener.port)/live/***: open: timed out")
    }

    @Test func errorsNeverCarryTheStreamKey() throws {
        let port = FreePort.next()
        let url = "rtmp://127.0.0.1:\(port)/live/SECRETKEY"
        let source = try Self.pull(url, openTimeout: .seconds(5), stop: StopSignal())
        #expect(source.displayName == "rtmp://127.0.0.1:\(port)/live/***")
        let sourceError = try #require(throws: RelayError.self) { _ = try source.open() }
        #expect(sourceError.errorClass == .source)
        #expect(!sourceError.description.contains("SECRETKEY"))
        #expect(sourceError.description.contains("127.0.0.1:\(port)"))

        let sinkOptions = RTMPSinkPlugin.Options(url: try RemoteURL(url, allowedSchemes: ["rtmp"]))
        let sink = try RTMPSinkPlugin.makeSink(options: sinkOptions, context: Self.context(stop: StopSignal()))
        let stream = StreamInfo(index: 0, kind: .audio, codec: "aac", timeBase: Rational(1, 48000), sampleRate: 48000, channels: 2)
        let sinkError = try #require(throws: RelayError.self) { try sink.open(streams: [stream]) }
        #expect(sinkError.errorClass == .destination)
        #expect(!sinkError.description.contains("SECRETKEY"))
        #expect(!LogCapture.shared.all.contains { $0.contains("SECRETKEY") })
    }
}
