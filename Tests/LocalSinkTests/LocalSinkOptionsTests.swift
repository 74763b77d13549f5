import FileSink
import HLSSink
import RelayCore
import Testing

/// What ops write under a platform with `type: hls` or `type: file`, and what they are told
/// when it is wrong (each error at its key's position).
@Suite struct LocalSinkOptionsTests {
    static let file = "conf.d/20-platforms.yaml"

    /// A platform mapping as the loader hands it over: one key per line from line 3.
    static func mapping(_ pairs: [(String, String)]) -> ConfigNode {
        let entries = pairs.enumerated().map { i, pair in
            (
                key: ConfigNode.scalar(pair.0, at: SourceLocation(file: file, line: 3 + i, column: 5)),
                value: ConfigNode.scalar(pair.1, at: SourceLocation(file: file, line: 3 + i, column: 7 + pair.0.count))
            )
        }
        return ConfigNode(.mapping(entries), at: SourceLocation(file: file, line: 3, column: 5))
    }

    static func decode<Plugin: SinkPlugin>(_ plugin: Plugin.Type, _ pairs: [(String, String)]) -> (Plugin.Options?, [String]) {
        let diagnostics = Diagnostics()
        guard var reader = MappingReader(mapping(pairs), context: "platform \"local\"", diagnostics: diagnostics) else {
            return (nil, diagnostics.items.map(\.description))
        }
        let options = plugin.decodeOptions(&reader)
        reader.finish()
        return (options, diagnostics.items.map(\.description))
    }

    @Test func hlsDefaults() {
        let (options, errors) = Self.decode(HLSSinkPlugin.self, [("directory", "/srv/hls/{channel}")])
        #expect(errors.isEmpty)
        #expect(options == HLSSinkPlugin.Options(directory: "/srv/hls/{channel}"))
        #expect(options?.segmentDurationMs == 2000 && options?.playlistSize == 6 && options?.keep == false)
        #expect(options?.giveUpAfterMs == 120_000)
    }

    @Test func hlsEveryKey() {
        let (options, errors) = Self.decode(
            HLSSinkPlugin.self,
            [("directory", "/srv/hls/{channel}"), ("segment_duration", "4s"), ("playlist_size", "10"), ("give_up_after", "0s")])
        #expect(errors.isEmpty)
        #expect(
            options
                == HLSSinkPlugin.Options(
                    directory: "/srv/hls/{channel}", segmentDuration: .seconds(4), playlistSize: 10, giveUpAfter: .zero))
    }

    @Test func hlsRefusals() {
        #expect(
            Self.decode(HLSSinkPlugin.self, [("directory", "hls/{channel}")]).1 == [
                "conf.d/20-platforms.yaml:3:16: \"directory\" must be an absolute path, got \"hls/{channel}\""
            ])
        #expect(
            Self.decode(HLSSinkPlugin.self, [("directory", "/srv/%d")]).1 == [
                "conf.d/20-platforms.yaml:3:16: \"directory\" must not contain \"%\", got \"/srv/%d\""
            ])
        #expect(
            Self.decode(HLSSinkPlugin.self, [("directory", "/srv/x"), ("keep", "true"), ("playlist_size", "4")]).1 == [
                "conf.d/20-platforms.yaml:5:20: \"playlist_size\" does not apply with \"keep: true\": the playlist lists every segment"
            ])
        let tooShort = Self.decode(HLSSinkPlugin.self, [("directory", "/srv/x"), ("segment_duration", "500ms")])
        #expect(tooShort.0 == nil && tooShort.1.count == 1 && tooShort.1[0].hasPrefix("conf.d/20-platforms.yaml:4:23:"))
        #expect(Self.decode(HLSSinkPlugin.self, []).1 == ["conf.d/20-platforms.yaml:3:5: platform \"local\" is missing required key \"directory\""])
    }

    @Test func fileDefaultsAndEveryKey() {
        let (defaults, none) = Self.decode(FileSinkPlugin.self, [("path", "/rec/{channel}-{start}.mp4")])
        #expect(none.isEmpty)
        #expect(defaults == FileSinkPlugin.Options(path: "/rec/{channel}-{start}.mp4"))
        #expect(defaults?.format == .mp4 && defaults?.rotateEveryMs == 0)
        let (options, errors) = Self.decode(
            FileSinkPlugin.self,
            [("path", "/rec/{channel}-{start}.flv"), ("format", "flv"), ("rotate_every", "30m"), ("give_up_after", "5m")])
        #expect(errors.isEmpty)
        #expect(
            options
                == FileSinkPlugin.Options(
                    path: "/rec/{channel}-{start}.flv", format: .flv, rotateEvery: .seconds(1800), giveUpAfter: .seconds(300)))
    }

    @Test func fileRefusals() {
        #expect(
            Self.decode(FileSinkPlugin.self, [("path", "/rec/{channel}.mp4"), ("rotate_every", "10m")]).1 == [
                "conf.d/20-platforms.yaml:3:11: \"path\" needs {start} with \"rotate_every\", so each file gets its own name, got \"/rec/{channel}.mp4\""
            ])
        #expect(
            Self.decode(FileSinkPlugin.self, [("path", "/rec/")]).1 == [
                "conf.d/20-platforms.yaml:3:11: \"path\" must name a file, not a directory, got \"/rec/\""
            ])
        let format = Self.decode(FileSinkPlugin.self, [("path", "/rec/x.mkv"), ("format", "mkv")])
        #expect(format.0 == nil && format.1.count == 1 && format.1[0].contains("\"format\" must be one of: mp4, flv"))
    }
}
