import Foundation
import Logging
import MediaEngine
import PullSource
import RTMPSink
import RelayCore
import Synchronization
import Testing
import TestSupport

@Suite struct StopAndRedactionTests {
    static func context(stop: StopSignal) -> StageContext {
        StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: stop)
    }

    static func pull(_ url: String, openTimeout: Duration, stop: StopSignal) throws -> any MediaSource {
        let options = PullSourcePlugin.Options(
            url: try RemoteURL(url, allowedSchemes: ["rtmp"]), openTimeout: openTimeout)
        return try PullSourcePlugin.makeSource(options: options, context: context(stop: stop))
    }

    /// A peer that accepts and never answers hangs the RTMP handshake; raising the stop
    /// signal ends the open through the interrupt callback.
    @Test func stopInterruptsAHangingOpen() throws {
        let listener = try SilentListener()
        let stop = StopSignal()
        let source = try Self.pull("rtmp://127.0.0.1:\(listener.port)/live/key", openTimeout: .seconds(30), stop: stop)
        let raisedAt = Mutex<ContinuousClock.Instant?>(nil)
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.5)
            raisedAt.withLock { $0 = .now }
            stop.raise()
        }
        let started = ContinuousClock.now
        #expect(throws: RelayError.self) { _ = try source.open() }
        let returned = ContinuousClock.now
        let raised = try #require(raisedAt.withLock { $0 })
        #expect(returned - raised < .seconds(1))
        #expect(returned - started < .seconds(2))
    }

    @Test func openTimeoutIsHonored() throws {
        let listener = try SilentListener()
        let source = try Self.pull(
            "rtmp://127.0.0.1:\(listener.port)/live/key", openTimeout: .seconds(1), stop: StopSignal())
        let started = ContinuousClock.now
        let error = try #require(throws: RelayError.self) { _ = try source.open() }
        let elapsed = ContinuousClock.now - started
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(2))
        #expect(error.errorClass == .source)
        #expect(error.message.contains("timed out"))
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
