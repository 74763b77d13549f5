import Foundation
import RelayCore
import RelayRuntime
import Testing
import TestSupport

/// Sink `hls` through the real pipeline: the directory a web server would serve, watched
/// while the relay runs, and judged by ffprobe.
@Suite(.serialized) struct HLSOutputTests {
    /// The playlist as a player reads it.
    struct Playlist {
        var mediaSequence: Int?
        var segments: [String]
        var ended: Bool
        var text: String

        init?(_ path: String) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
            self.text = text
            let lines = text.split(separator: "\n").map(String.init)
            mediaSequence = lines.first { $0.hasPrefix("#EXT-X-MEDIA-SEQUENCE:") }.flatMap { Int($0.dropFirst(22)) }
            segments = lines.filter { !$0.hasPrefix("#") && !$0.isEmpty }
            ended = lines.contains("#EXT-X-ENDLIST")
        }
    }

    /// A 14 s input in real time into a live window of 3 one-second segments. While it
    /// runs, the playlist never lists more than 3 segments and its media sequence keeps
    /// advancing; segments that left it are deleted; ffprobe reads it as H.264 + AAC. At
    /// the end nothing is left (`keep: false`).
    @Test func liveWindowStaysBoundedAdvancesAndDeletesOldSegments() async throws {
        let scratch = try TempDirectory("hls-live")
        let input = scratch.file("in.mp4")
        try generateInput(input, seconds: 14)
        let directory = scratch.file("www/demo")
        let relay = try LocalRelay(
            input: input, realtime: true,
            outputs: [
                "preview": [
                    ("type", "hls"), ("directory", scratch.file("www/{channel}")), ("segment_duration", "1s"),
                    ("playlist_size", "3"),
                ]
            ])
        relay.start()

        var sequences: [Int] = []
        var mostListed = 0
        var mostOnDisk = 0
        var firstSegment: String?
        var firstSegmentDeleted = false
        var streams: [String] = []
        // 14 s of media in real time; the deadline only catches a hang.
        let deadline = ContinuousClock.now + .seconds(120)
        while relay.isRunning, ContinuousClock.now < deadline {
            if let playlist = Playlist(directory + "/index.m3u8") {
                mostListed = max(mostListed, playlist.segments.count)
                if let sequence = playlist.mediaSequence, sequence != sequences.last { sequences.append(sequence) }
                if firstSegment == nil { firstSegment = playlist.segments.first }
                if streams.isEmpty, playlist.segments.count == 3 {
                    // A segment may be deleted while ffprobe reads: the next playlist is read then.
                    streams = (try? FFprobe.streams(directory + "/index.m3u8"))?.map(\.codecName).sorted() ?? []
                }
            }
            let onDisk = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".ts") } ?? []
            mostOnDisk = max(mostOnDisk, onDisk.count)
            if let firstSegment, !onDisk.isEmpty, !onDisk.contains(firstSegment) { firstSegmentDeleted = true }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(relay.wait() == .finished)

        #expect(mostListed == 3, "the window is 3 segments")
        #expect(sequences.count >= 5 && sequences == sequences.sorted(), "media sequences seen: \(sequences)")
        #expect(streams == ["aac", "h264"])
        #expect(firstSegmentDeleted, "\(firstSegment ?? "no segment") was never deleted")
        // The window, the one just out of it (libav deletes one late) and the one being written.
        #expect(mostOnDisk <= 5, "\(mostOnDisk) segments on disk at once")
        #expect(relay.outputs.first?.state == .finished)
        #expect((relay.outputs.first?.bytes ?? 0) > 50_000, "\(relay.outputs)")
        #expect(!FileManager.default.fileExists(atPath: directory), "keep: false leaves nothing behind")
    }

    /// `keep: true`: every segment stays and is listed, the playlist ends with ENDLIST and
    /// plays for the input's length; a second run into the same directory (a restarted
    /// relay) continues the same playlist after a discontinuity.
    @Test func keepListsEverySegmentAndEndsTheList() throws {
        let scratch = try TempDirectory("hls-keep")
        let input = scratch.file("in.mp4")
        try generateInput(input, seconds: 10)
        let outputs: KeyValuePairs<String, [(String, String)]> = [
            "archive": [("type", "hls"), ("directory", scratch.file("vod/{channel}")), ("keep", "true")]
        ]
        let playlistPath = scratch.file("vod/demo/index.m3u8")

        #expect(try LocalRelay(input: input, realtime: false, outputs: outputs).run() == .finished)
        let first = try #require(Playlist(playlistPath))
        #expect(first.ended && first.text.contains("#EXT-X-PLAYLIST-TYPE:EVENT"), "\(first.text)")
        #expect(first.segments.count >= 4, "\(first.text)")
        #expect(first.segments.allSatisfy { FileManager.default.fileExists(atPath: scratch.file("vod/demo/\($0)")) })
        #expect(abs(try FFprobe.duration(playlistPath) - 10) <= 1)
        #expect(try FFprobe.streams(playlistPath).map(\.codecName).sorted() == ["aac", "h264"])

        #expect(try LocalRelay(input: input, realtime: false, outputs: outputs).run() == .finished)
        let second = try #require(Playlist(playlistPath))
        #expect(second.ended && second.segments.count > first.segments.count, "\(second.text)")
        #expect(Array(second.segments.prefix(first.segments.count)) == first.segments)
        #expect(second.text.components(separatedBy: "#EXT-X-DISCONTINUITY").count - 1 >= 1, "\(second.text)")
        #expect(Set(second.segments).count == second.segments.count, "a segment name was reused")
    }

    /// A disk that fills up (the first segment's file is `/dev/full`) fails that output with
    /// the system's reason once `give_up_after` (here 0 s) is spent; the relay's other
    /// output, fed from the same packets, records to the end.
    @Test func aFullDiskFailsOnlyItsOutput() throws {
        let scratch = try TempDirectory("hls-full")
        let input = scratch.file("in.mp4")
        try generateInput(input, seconds: 6)
        try FileManager.default.createDirectory(atPath: scratch.file("full"), withIntermediateDirectories: true)
        // With `keep`, sequence numbers start at 0 and each file is written under `.tmp` first.
        try FileManager.default.createSymbolicLink(atPath: scratch.file("full/index0.ts.tmp"), withDestinationPath: "/dev/full")
        let relay = try LocalRelay(
            input: input, realtime: false,
            outputs: [
                "full": [("type", "hls"), ("directory", scratch.file("full")), ("keep", "true"), ("give_up_after", "0s")],
                "fine": [("type", "hls"), ("directory", scratch.file("fine")), ("keep", "true")],
            ])
        #expect(relay.run() == .finished)
        let outputs = relay.outputs
        #expect(outputs.map(\.state) == [.failed, .finished], "\(outputs)")
        let error = outputs.first?.lastError ?? ""
        #expect(error.contains("output \"full\"") && error.contains("No space left on device"), "\(error)")
        let fine = try #require(Playlist(scratch.file("fine/index.m3u8")))
        #expect(fine.ended)
        #expect(abs(try FFprobe.duration(scratch.file("fine/index.m3u8")) - 6) <= 1)
    }
}
