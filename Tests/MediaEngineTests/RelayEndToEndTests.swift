import Foundation
import Logging
import MediaEngine
import PassthroughTranscoder
import PullSource
import RTMPSink
import RelayCore
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct RelayEndToEndTests {
    /// CPU time the calling thread has used.
    static func threadCPU() -> Duration {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec)
    }

    /// A looped, real-time file relayed into nginx-rtmp comes out of nginx as HLS with the
    /// source's codecs and size. The pipeline runs on this thread, as a relay's would.
    @Test func loopedFileToNginxBecomesHLS() async throws {
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        let input = directory.appendingPathComponent("in.flv")
        try TestMedia.generate(input, seconds: 2)
        let nginx = try await Nginx()

        let stop = StopSignal()
        let context = StageContext(route: "r", channel: "demo", logger: Logger(label: "test"), stop: stop)
        let source = try PullSourcePlugin.makeSource(
            options: .init(file: input.path, realtime: true, loop: true), context: context)
        let transcoder = try PassthroughPlugin.makeTranscoder(options: .init(), context: context)
        let sinkURL = try RemoteURL("rtmp://127.0.0.1:\(nginx.rtmpPort)/live/{channel}", allowedSchemes: ["rtmp"])
        let sink = try RTMPSinkPlugin.makeSink(options: .init(url: sinkURL), context: context)
        #expect(sink.displayName == "rtmp://127.0.0.1:\(nginx.rtmpPort)/live/***")
        #expect(source.displayName == input.path)

        let started = ContinuousClock.now
        let cpuBefore = Self.threadCPU()
        try sink.open(streams: try transcoder.open(inputs: try source.open()))
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 4.5)
            stop.raise()
        }
        var batch: [MediaPacket] = []
        var packets = 0
        var lastVideoDts: Int64 = -1
        while let packet = try source.read() {
            batch.removeAll(keepingCapacity: true)
            try transcoder.process(packet, into: &batch)
            for out in batch {
                if out.streamIndex == 0, let dts = out.dts {
                    #expect(dts > lastVideoDts)
                    lastVideoDts = dts
                }
                try sink.write(out)
            }
            packets += batch.count
        }
        try transcoder.flush(into: &batch)
        try sink.close()
        source.close()
        let elapsed = ContinuousClock.now - started
        let cpu = Self.threadCPU() - cpuBefore
        print("relay: \(packets) packets, \(sink.bytesWritten) bytes in \(elapsed), thread CPU \(cpu)")

        // Paced: ~4.5 s of media in ~4.5 s, across at least one loop of the 2 s file.
        #expect(elapsed >= .seconds(4) && elapsed < .seconds(6))
        #expect(packets > 300)
        #expect(sink.bytesWritten > 100_000)
        #expect(lastVideoDts > 4000)

        let playlist = URL(fileURLWithPath: nginx.playlistPath("demo"))
        #expect(FileManager.default.fileExists(atPath: playlist.path))
        let probed = try TestMedia.probeStreams(playlist.path)
        #expect(probed.map(\.codecName).sorted() == ["aac", "h264"])
        let video = try #require(probed.first { $0.codecType == "video" })
        #expect(video.width == 640 && video.height == 360)
    }
}
