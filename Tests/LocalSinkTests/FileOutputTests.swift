import Foundation
import RelayCore
import RelayRuntime
import Testing
import TestSupport

/// Sink `file` through the real pipeline: what ffprobe makes of the recordings.
@Suite(.serialized) struct FileOutputTests {
    /// One 60 s input read faster than real time, fanned out to an MP4 and an FLV recording:
    /// each is one file, finalized, 60 ± 1 s long, starting with a keyframe.
    @Test func sixtySecondsToMP4AndFLV() throws {
        let scratch = try TempDirectory("file-sink")
        let input = scratch.file("in.mp4")
        try generateInput(input, seconds: 60)
        let relay = try LocalRelay(
            input: input, realtime: false,
            outputs: [
                "mp4": [("type", "file"), ("path", scratch.file("rec/{channel}-{start}.mp4"))],
                "flv": [("type", "file"), ("path", scratch.file("rec/{channel}-{start}.flv")), ("format", "flv")],
            ])
        #expect(relay.run() == .finished)
        #expect(relay.outputs.map(\.state) == [.finished, .finished], "\(relay.outputs)")
        #expect(relay.outputs.allSatisfy { $0.bytes > 100_000 }, "\(relay.outputs)")

        for ext in ["mp4", "flv"] {
            let files = try recordings(in: scratch.file("rec"), ext: ext)
            try #require(files.count == 1, "\(files)")
            #expect(files[0].hasPrefix(scratch.file("rec/demo-")))
            let duration = try FFprobe.duration(files[0])
            #expect(abs(duration - 60) <= 1, "\(ext): \(duration) s")
            #expect(try FFprobe.streams(files[0]).map(\.codecName).sorted() == ["aac", "h264"])
            #expect(try FFprobe.packets(files[0], kind: "video").first?.isKeyframe == true)
        }
    }

    /// `rotate_every: 20s` on 60 s: three files, each beginning with a keyframe, whose
    /// durations add up to the whole.
    @Test func rotationCutsAtKeyframesAndLosesNothing() throws {
        let scratch = try TempDirectory("file-rotate")
        let input = scratch.file("in.mp4")
        try generateInput(input, seconds: 60)
        let relay = try LocalRelay(
            input: input, realtime: false,
            outputs: ["rec": [("type", "file"), ("path", scratch.file("rec/{start}.mp4")), ("rotate_every", "20s")]])
        #expect(relay.run() == .finished)
        #expect(relay.outputs.first?.state == .finished, "\(relay.outputs)")

        let files = try recordings(in: scratch.file("rec"), ext: "mp4")
        #expect(files.count == 3, "\(files)")
        var total = 0.0
        for file in files {
            let duration = try FFprobe.duration(file)
            #expect(abs(duration - 20) <= 1, "\(file): \(duration) s")
            total += duration
            let video = try FFprobe.packets(file, kind: "video")
            #expect(video.first?.isKeyframe == true, "\(file) does not begin with a keyframe")
            #expect(video.first.map { $0.time < 0.05 } == true, "\(file) does not start at zero")
        }
        #expect(abs(total - 60) <= 1, "files add up to \(total) s")
    }

    /// A path that cannot be a directory fails that output at once with the reason; the
    /// other output of the same relay records on, unaware.
    @Test func anUnwritablePathFailsOnlyItsOutput() throws {
        let scratch = try TempDirectory("file-broken")
        let input = scratch.file("in.mp4")
        try generateInput(input, seconds: 5)
        try scratch.write("occupied", "a file where a directory should be")
        let relay = try LocalRelay(
            input: input, realtime: false,
            outputs: [
                "broken": [("type", "file"), ("path", scratch.file("occupied/{start}.mp4"))],
                "good": [("type", "file"), ("path", scratch.file("good/{start}.mp4"))],
            ])
        #expect(relay.run() == .finished)
        let outputs = relay.outputs
        #expect(outputs.map(\.state) == [.failed, .finished], "\(outputs)")
        let error = outputs.first?.lastError ?? ""
        #expect(error.contains("output \"broken\"") && error.contains("exists and is not a directory"), "\(error)")
        #expect(outputs.first?.errorClass == .destination)
        let good = try recordings(in: scratch.file("good"), ext: "mp4")
        #expect(good.count == 1)
        #expect(try good.first.map { abs(try FFprobe.duration($0) - 5) <= 1 } == true)
    }
}

/// The files with extension `ext` in `directory`, sorted by name (their start time).
func recordings(in directory: String, ext: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix("." + ext) }.sorted()
        .map { directory + "/" + $0 }
}
