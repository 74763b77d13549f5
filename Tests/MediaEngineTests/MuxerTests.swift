import Foundation
import Logging
import MediaEngine
import PassthroughTranscoder
import RelayCore
import Testing
import TestSupport

@Suite struct MuxerTests {
    @Test(arguments: ["flv", "mp4"])
    func copiesIntoLocalFLV(_ container: String) throws {
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        let input = directory.appendingPathComponent("in.\(container)")
        let output = directory.appendingPathComponent("out.flv")
        try TestMedia.generate(input, seconds: 3)

        let stop = StopSignal()
        let demuxer = try Demuxer(.file(input.path), stop: stop, openTimeout: .seconds(5))
        let context = StageContext(route: "r", channel: "c", logger: Logger(label: "test"), stop: stop)
        let transcoder = try PassthroughPlugin.makeTranscoder(options: .init(), context: context)
        let streams = try transcoder.open(inputs: demuxer.streams)
        let muxer = try Muxer(
            .file(output.path), streams: streams, stop: stop, connectTimeout: .seconds(5), writeTimeout: .seconds(5))
        var batch: [MediaPacket] = []
        var count = 0
        while let packet = try demuxer.read() {
            batch.removeAll(keepingCapacity: true)
            try transcoder.process(packet, into: &batch)
            for out in batch { try muxer.write(out) }
            count += batch.count
        }
        try muxer.finish()
        let size = try FileManager.default.attributesOfItem(atPath: output.path)[.size] as? Int
        #expect(count > 200)
        #expect(muxer.bytesWritten == Int64(size ?? -1))

        let probed = try TestMedia.probeStreams(output.path)
        #expect(probed.map(\.codecName).sorted() == ["aac", "h264"])
        let video = try #require(probed.first { $0.codecType == "video" })
        #expect(video.width == 640 && video.height == 360)
        #expect(probed.first { $0.codecType == "audio" }?.sampleRate == 48000)
        // The copy decodes cleanly from start to end.
        try TestMedia.run("/usr/bin/ffmpeg", ["-v", "error", "-xerror", "-i", output.path, "-f", "null", "-"])
    }

    @Test func refusesUnknownCodec() throws {
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        let stream = StreamInfo(index: 0, kind: .video, codec: "no-such-codec", timeBase: Rational(1, 1000))
        let error = try #require(throws: AVError.self) {
            _ = try Muxer(
                .file(directory.appendingPathComponent("x.flv").path), streams: [stream], stop: StopSignal(),
                connectTimeout: .seconds(1), writeTimeout: .seconds(1))
        }
        #expect(error.description.contains("no-such-codec"))
    }

    /// The bytes-out watchdog: a destination that takes the connection and then reads nothing
    /// fails the write through the watchdog (its own error), not `write_timeout`'s. When it
    /// fires is checked on a manual clock (`InterruptTimingTests`).
    @Test func watchdogFailsAWriteThatStopsMakingProgress() throws {
        let temporary = try TempDirectory("media")
        let input = URL(fileURLWithPath: temporary.path).appendingPathComponent("in.flv")
        try TestMedia.generate(input, seconds: 1)
        let stop = StopSignal()
        let demuxer = try Demuxer(.file(input.path), stop: stop, openTimeout: .seconds(5))
        let video = try #require(demuxer.streams.first { $0.kind == .video })
        let listener = try SilentListener()
        // Over HTTP libav sends the request, then the body, without waiting for an answer; the
        // kernel takes bytes for the never-accepted connection until its buffers are full.
        let muxer = try Muxer(
            .remote("http://127.0.0.1:\(listener.port)/ingest/KEY", allowedSchemes: ["http"]), streams: [video],
            stop: stop, connectTimeout: .seconds(5), writeTimeout: .seconds(60), stallLimit: .seconds(1))
        let chunk = [UInt8](repeating: 0, count: 1 << 20)
        let error = try #require(throws: AVError.self) {
            for i in 0..<200 {
                let time = Int64(i) * 40
                try muxer.write(
                    MediaPacket(streamIndex: 0, pts: time, dts: time, duration: 40, isKeyframe: true, data: chunk))
            }
        }
        let target = "http://127.0.0.1:\(listener.port)/ingest/***"
        #expect(error.description == "\(target): write: watchdog: no bytes accepted for 1.0s")
        muxer.abort()
    }
}
