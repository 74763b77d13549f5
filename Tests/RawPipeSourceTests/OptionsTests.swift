import RelayCore
import RawPipeSource
import Testing

@Suite struct RawPipeOptionsTests {
    static let file = "conf.d/routes.yaml"

    /// A rawpipe source mapping as the loader hands it over: top-level keys from line 2,
    /// nested mappings (`video`, `audio`) with their keys on the following lines.
    static func mapping(_ pairs: [(String, Any)]) -> ConfigNode {
        var line = 1
        func node(_ pairs: [(String, Any)], column: Int) -> ConfigNode {
            let start = SourceLocation(file: file, line: line + 1, column: column)
            var entries: [(key: ConfigNode, value: ConfigNode)] = []
            for (key, value) in pairs {
                line += 1
                let keyNode = ConfigNode.scalar(key, at: SourceLocation(file: file, line: line, column: column))
                if let nested = value as? [(String, Any)] {
                    entries.append((keyNode, node(nested, column: column + 2)))
                } else {
                    let at = SourceLocation(file: file, line: line, column: column + key.count + 2)
                    entries.append((keyNode, ConfigNode.scalar("\(value)", at: at)))
                }
            }
            return ConfigNode(.mapping(entries), at: start)
        }
        return node(pairs, column: 7)
    }

    static func decode(_ pairs: [(String, Any)]) -> (RawPipeSourcePlugin.Options?, [String]) {
        let diagnostics = Diagnostics()
        guard var reader = MappingReader(mapping(pairs), context: "source \"rawpipe\"", diagnostics: diagnostics) else {
            return (nil, diagnostics.items.map(\.description))
        }
        let options = RawPipeSourcePlugin.decodeOptions(&reader)
        reader.finish()
        return (options, diagnostics.items.map(\.description))
    }

    static var video: [(String, Any)] { [("path", "/run/rg/{channel}.yuv"), ("width", 640), ("height", 360), ("fps", 30)] }
    static var audio: [(String, Any)] { [("path", "/run/rg/{channel}.pcm"), ("sample_rate", 48000), ("channels", 2)] }

    @Test func everyKey() {
        let (options, errors) = Self.decode([
            ("video", Self.video), ("audio", Self.audio), ("clock", "declared"), ("queue", "1s"), ("open_timeout", "3s"),
        ])
        #expect(errors.isEmpty)
        #expect(
            options
                == RawPipeSourcePlugin.Options(
                    video: .init(path: "/run/rg/{channel}.yuv", width: 640, height: 360, fps: 30),
                    audio: .init(path: "/run/rg/{channel}.pcm", sampleRate: 48000, channels: 2), clock: .declared,
                    queue: .seconds(1), openTimeout: .seconds(3)))
    }

    @Test func videoOnlyWithDefaults() throws {
        let (options, errors) = Self.decode([("video", Self.video)])
        #expect(errors.isEmpty)
        let o = try #require(options)
        #expect(o.audio == nil && o.clock == .arrival && o.queueMs == 500 && o.openTimeoutMs == 10_000)
        // 500 ms at 30 fps; 25 chunks of 20 ms.
        #expect(o.videoQueueFrames == 15 && o.audioQueueChunks == 25)
        #expect(o.video.frameBytes == 640 * 360 * 3 / 2)
    }

    @Test func missingVideo() {
        let (options, errors) = Self.decode([("audio", Self.audio)])
        #expect(options == nil)
        #expect(errors == ["conf.d/routes.yaml:2:7: source \"rawpipe\" is missing required key \"video\""])
    }

    @Test func missingKeysInsideVideoAndAudio() {
        let (options, errors) = Self.decode([
            ("video", [("path", "/tmp/v")]), ("audio", [("path", "/tmp/a"), ("channels", 1)]),
        ])
        #expect(options == nil)
        #expect(
            errors == [
                "conf.d/routes.yaml:3:9: \"video\" of source \"rawpipe\" is missing required key \"width\"",
                "conf.d/routes.yaml:3:9: \"video\" of source \"rawpipe\" is missing required key \"height\"",
                "conf.d/routes.yaml:3:9: \"video\" of source \"rawpipe\" is missing required key \"fps\"",
                "conf.d/routes.yaml:5:9: \"audio\" of source \"rawpipe\" is missing required key \"sample_rate\"",
            ])
    }

    @Test func relativePathAndOddWidth() {
        let (options, errors) = Self.decode([
            ("video", [("path", "run/v.yuv"), ("width", 641), ("height", 360), ("fps", 30)]),
        ])
        #expect(options == nil)
        #expect(
            errors == [
                "conf.d/routes.yaml:3:15: \"path\" must be an absolute path, got \"run/v.yuv\"",
                "conf.d/routes.yaml:4:16: \"width\" must be even (yuv420p), got 641",
            ])
    }

    @Test func oneFIFOForBothStreams() {
        let (options, errors) = Self.decode([
            ("video", Self.video), ("audio", [("path", "/run/rg/{channel}.yuv"), ("sample_rate", 48000), ("channels", 2)]),
        ])
        #expect(options == nil)
        #expect(
            errors == [
                "conf.d/routes.yaml:8:9: \"audio\" and \"video\" of source \"rawpipe\" need two different pipes, both are \"/run/rg/{channel}.yuv\""
            ])
    }

    @Test func socketReplacesThePaths() throws {
        let (options, errors) = Self.decode([
            ("video", [("width", 640), ("height", 360), ("fps", 30)]), ("audio", [("sample_rate", 48000), ("channels", 1)]),
            ("socket", "/run/rg/{channel}.sock"),
        ])
        #expect(errors.isEmpty)
        let o = try #require(options)
        #expect(o.socket == "/run/rg/{channel}.sock" && o.video.path == nil && o.audio?.path == nil)

        let (refused, pathErrors) = Self.decode([("video", Self.video), ("socket", "/run/rg/s.sock")])
        #expect(refused == nil)
        #expect(
            pathErrors == [
                "conf.d/routes.yaml:3:15: \"path\" is not used with \"socket\": the writer sends both streams over the socket"
            ])
    }

    @Test func badValues() {
        let (options, errors) = Self.decode([
            ("video", [("path", "/v"), ("width", 640), ("height", 360), ("fps", 0), ("pixel_format", "nv12")]),
            ("clock", "wall"), ("queue", "10s"),
        ])
        #expect(options == nil)
        #expect(
            errors == [
                "conf.d/routes.yaml:6:14: \"fps\" must be an integer from 1 to 120, got \"0\"",
                "conf.d/routes.yaml:7:9: unknown key \"pixel_format\" in \"video\" of source \"rawpipe\"; expected one of: path, width, height, fps",
                "conf.d/routes.yaml:8:14: \"clock\" must be one of: arrival, declared; got \"wall\"",
                "conf.d/routes.yaml:9:14: \"queue\" must be between 100ms and 2s, got 10s",
            ])
    }
}
