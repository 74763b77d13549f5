import Foundation
import MediaEngine
import RelayCore
import Testing
import TestSupport

@Suite struct DemuxerTests {
    /// Reads every packet; returns them per stream.
    static func readAll(_ demuxer: Demuxer) throws -> [[MediaPacket]] {
        var packets = Array(repeating: [MediaPacket](), count: demuxer.streams.count)
        while let packet = try demuxer.read() { packets[packet.streamIndex].append(packet) }
        return packets
    }

    @Test(arguments: ["flv", "mp4", "mkv"])
    func readsGeneratedFile(_ container: String) throws {
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        let path = directory.appendingPathComponent("in.\(container)")
        try TestMedia.generate(path, seconds: 4)

        let demuxer = try Demuxer(.file(path.path), stop: StopSignal(), openTimeout: .seconds(5))
        #expect(demuxer.streams.map(\.index) == [0, 1])
        let video = try #require(demuxer.streams.first { $0.kind == .video })
        let audio = try #require(demuxer.streams.first { $0.kind == .audio })
        #expect(video.codec == "h264")
        #expect(video.width == 640 && video.height == 360)
        #expect(video.frameRate.map { abs($0.doubleValue - 25) < 0.01 } == true)
        #expect(video.pixelFormat == "yuv420p")
        #expect(!video.extradata.isEmpty)
        #expect(audio.codec == "aac")
        #expect(audio.sampleRate == 48000)
        #expect(audio.channels == 1)
        #expect(!audio.extradata.isEmpty)

        let packets = try Self.readAll(demuxer)
        #expect(!demuxer.wasStopped)
        let videoPackets = packets[video.index], audioPackets = packets[audio.index]
        #expect((98...102).contains(videoPackets.count))
        #expect((185...192).contains(audioPackets.count))
        #expect(videoPackets.first?.isKeyframe == true)
        // GOP of 25 frames over 4 s: a keyframe per second.
        #expect((4...5).contains(videoPackets.filter(\.isKeyframe).count))
        #expect(videoPackets.allSatisfy { !$0.data.isEmpty && $0.dts != nil })
        #expect(try demuxer.read() == nil)
    }

    @Test func keepsOnlyAudioAndVideoNumberedDensely() throws {
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        let source = directory.appendingPathComponent("in.flv")
        let path = directory.appendingPathComponent("tc.mov")
        try TestMedia.generate(source, seconds: 2)
        // A timecode track shows up in libav as a data stream.
        try TestMedia.run(
            "/usr/bin/ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-i", source.path, "-c", "copy", "-timecode", "00:00:00:00", path.path])
        #expect(try TestMedia.probeStreams(path.path).contains { $0.codecType == "data" })

        let demuxer = try Demuxer(.file(path.path), stop: StopSignal(), openTimeout: .seconds(5))
        #expect(demuxer.streams.map(\.kind) == [.video, .audio])
        #expect(demuxer.streams.map(\.index) == [0, 1])
        let packets = try Self.readAll(demuxer)
        #expect(packets.allSatisfy { !$0.isEmpty })
    }

    @Test func seeksBackToStart() throws {
        let temporary = try TempDirectory("media")
        let directory = URL(fileURLWithPath: temporary.path)
        let path = directory.appendingPathComponent("in.flv")
        try TestMedia.generate(path, seconds: 2)
        let demuxer = try Demuxer(.file(path.path), stop: StopSignal(), openTimeout: .seconds(5))
        let first = try Self.readAll(demuxer).map(\.count)
        // 2 s: 50 frames at 25 fps, and about 94 AAC frames of 1024 samples at 48 kHz.
        #expect(first.count == 2 && first[0] == 50 && (93...96).contains(first[1]), "\(first)")
        try demuxer.seekToStart()
        let second = try Self.readAll(demuxer).map(\.count)
        #expect(first == second)
    }
}
