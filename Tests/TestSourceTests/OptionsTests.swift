import RelayCore
import Testing
import TestSource

@Suite struct OptionsTests {
    static let file = "conf.d/routes.yaml"

    /// A source mapping as the config loader would hand it over, one key per line from line 2.
    static func mapping(_ pairs: [(String, String)]) -> ConfigNode {
        let entries = pairs.enumerated().map { i, pair in
            (
                key: ConfigNode.scalar(pair.0, at: SourceLocation(file: file, line: i + 2, column: 7)),
                value: ConfigNode.scalar(pair.1, at: SourceLocation(file: file, line: i + 2, column: 7 + pair.0.count + 2))
            )
        }
        return ConfigNode(.mapping(entries), at: SourceLocation(file: file, line: 2, column: 7))
    }

    static func decode(_ pairs: [(String, String)]) -> (TestSourcePlugin.Options?, Diagnostics) {
        let diagnostics = Diagnostics()
        guard var reader = MappingReader(mapping(pairs), context: "source \"testsrc\"", diagnostics: diagnostics) else {
            return (nil, diagnostics)
        }
        let options = TestSourcePlugin.decodeOptions(&reader)
        reader.finish()
        return (options, diagnostics)
    }

    @Test func defaults() throws {
        let (options, diagnostics) = Self.decode([])
        #expect(diagnostics.isEmpty)
        #expect(options == TestSourcePlugin.Options())
        let o = try #require(options)
        #expect([o.width, o.height, o.fps, o.tone, o.sampleRate, o.channels] == [1280, 720, 30, 440, 48000, 2])
        #expect(o.audio)
        #expect(o.durationMs == nil)
    }

    @Test func everyKey() throws {
        let (options, diagnostics) = Self.decode([
            ("width", "640"), ("height", "360"), ("fps", "25"), ("audio", "false"), ("tone", "1000"),
            ("sample_rate", "44100"), ("channels", "1"), ("duration", "1.5s"),
        ])
        #expect(diagnostics.isEmpty)
        #expect(
            options
                == TestSourcePlugin.Options(
                    width: 640, height: 360, fps: 25, audio: false, tone: 1000, sampleRate: 44100, channels: 1,
                    duration: .milliseconds(1500)))
    }

    @Test func oddWidthIsAPositionedError() {
        let (options, diagnostics) = Self.decode([("fps", "30"), ("width", "641")])
        #expect(options == nil)
        #expect(diagnostics.items.map(\.description) == ["conf.d/routes.yaml:3:14: \"width\" must be even (yuv420p), got 641"])
    }

    @Test(arguments: [
        ("width", "3842"), ("width", "14"), ("height", "2162"), ("fps", "0"), ("fps", "121"), ("tone", "19"),
        ("tone", "20001"), ("sample_rate", "7999"), ("sample_rate", "96001"), ("channels", "3"), ("audio", "maybe"),
        ("duration", "10"), ("fps", "29.97"),
    ])
    func outOfRangeIsAnError(key: String, value: String) throws {
        let (options, diagnostics) = Self.decode([(key, value)])
        #expect(options == nil)
        let item = try #require(diagnostics.items.first)
        #expect(diagnostics.count == 1)
        #expect(item.message.hasPrefix("\"\(key)\""))
        #expect(item.location == SourceLocation(file: Self.file, line: 2, column: 7 + key.count + 2))
    }

    @Test func unknownKeyIsReported() {
        let (_, diagnostics) = Self.decode([("size", "640x360")])
        #expect(diagnostics.items.map(\.message).first?.hasPrefix("unknown key \"size\" in source \"testsrc\"") == true)
    }
}
