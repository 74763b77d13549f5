import Foundation
import Logging
import MediaEngine
import PassthroughTranscoder
import PullSource
import RTMPSink
import RelayCore
import Testing
import TestSupport

@Suite(.serialized) struct RelayEndToEndTests {
    /// A looped, real-time file relayed into nginx-rtmp comes out of nginx as HLS with the
    /// source's codecs and size. The pipeline runs on this thread, as a relay's would, and
    /// stops once 4.5 s of media (two loops of the 2 s file and more) went out. Whether it
    /// keeps real time is measured in bench/realtime.sh, not here.
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

        try sink.open(streams: try transcoder.open(inputs: try source.open()))
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
            // Enough media, or (a broken loop) far too many packets for it.
            if lastVideoDts >= 4500 || packets > 3000 { stop.raise() }
        }
        try transcoder.flush(into: &batch)
        try sink.close()
        source.close()

        // 4.5 s of 25 fps video and 48 kHz AAC (~72 packets a second), across two loops.
        #expect(packets > 300)
        #expect(sink.bytesWritten > 100_000)
        #expect(lastVideoDts >= 4500)

        let playlist = URL(fileURLWithPath: nginx.playlistPath("demo"))
        #expect(FileManager.default.fileExists(atPath: playlist.path))
        let probed = try TestMedia.probeStreams(playlist.path)
        #expect(probed.map(\.codecName).sorted() == ["aac", "h264"])
        let video = try #require(probed.first { $0.codecType == "video" })
        #expect(video.width == 640 && video.height == 360)
    }
}
