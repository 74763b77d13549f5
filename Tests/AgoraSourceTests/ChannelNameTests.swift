import AgoraSource
import RelayCore
import Testing

/// Agora's channel names, as the agora source declares them: route patterns of agora routes
/// that could never match one are config errors.
@Suite struct ChannelNameTests {
    func never(_ pattern: String) throws -> String? {
        try RoutePattern(pattern).neverMatches(AgoraChannelName.rule)
    }

    @Test func theSetIsAgorasEightyNineCharacters() throws {
        #expect(AgoraChannelName.allowedCharacters.count == 89)
        // Every character of the set may appear as literal text (braces are the template's own syntax).
        let set = "ab XY 09 !#$%&()+-:;<=.>?@[]^_|~,"
        #expect(try never(set + "{channelId}") == nil)
        #expect(try RoutePattern(set).match(set) == [:])
    }

    @Test func templatesThatCanNeverMatchAnAgoraChannelAreFound() throws {
        let slash = try #require(try never("seller/{channelId}"))
        #expect(slash.hasPrefix("pattern \"seller/{channelId}\" can never match an Agora channel name: \"/\" is not allowed"))
        #expect(try never("caf\u{E9}_{id}")?.contains("\"\u{E9}\" is not allowed") == true)
        let long = String(repeating: "a", count: 64) + "{id}"
        #expect(
            try never(long)
                == "pattern \"\(long)\" can never match an Agora channel name: it needs at least 65 characters, and channel names have at most 64")
        #expect(try never(String(repeating: "a", count: 63) + "{id}") == nil)
    }

    @Test func theAgoraSourceDeclaresThem() {
        #expect(AgoraSourcePlugin.channelNames?.maxLength == 64)
        #expect(AgoraSourcePlugin.channelNames?.allowedCharacters == AgoraChannelName.allowedCharacters)
    }
}
