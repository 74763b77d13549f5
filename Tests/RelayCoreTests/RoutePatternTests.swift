import Foundation
import RelayCore
import Testing

/// Both forms of route pattern: matching, `channelId` kept to digits, and what is refused.
struct RoutePatternTests {
    func message(_ text: String) -> String? {
        do {
            _ = try RoutePattern(text)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func templateChannelIdIsDigitsOnly() throws {
        let pattern = try RoutePattern("seller_{channelId}")
        #expect(pattern.match("seller_42") == ["channelId": "42"])
        #expect(pattern.match("seller_abc") == nil)
        #expect(pattern.match("seller_4a") == nil)
        #expect(pattern.match("seller_٣") == nil)
        #expect(pattern.match("seller_" + String(repeating: "9", count: 18)) == ["channelId": String(repeating: "9", count: 18)])
        #expect(pattern.match("seller_" + String(repeating: "9", count: 19)) == nil)
        // Other captures still take any characters.
        #expect(try RoutePattern("seller_{name}").match("seller_abc") == ["name": "abc"])
        let two = try RoutePattern("{shop}_{channelId}_live")
        #expect(two.match("acme_shop_7_live") == ["shop": "acme_shop", "channelId": "7"])
        #expect(two.match("acme_x_live") == nil)
    }

    @Test func regexMatchesWholeNameWithNamedGroups() throws {
        let pattern = try RoutePattern("~seller_(?<channelId>[0-9]+)(_(?<lang>[a-z]{2}))?")
        #expect(pattern.captureNames == ["channelId", "lang"])
        #expect(pattern.match("seller_42") == ["channelId": "42"])
        #expect(pattern.match("seller_42_en") == ["channelId": "42", "lang": "en"])
        // Anchored at both ends.
        #expect(pattern.match("xseller_42") == nil)
        #expect(pattern.match("seller_42_en!") == nil)
        #expect(pattern.match("seller_abc") == nil)
        #expect(try RoutePattern("~(?P<shop>[a-z]+)-(?'id'\\d+)").match("acme-9") == ["shop": "acme", "id": "9"])
        #expect(try RoutePattern("~lobby|stage").match("stage") == [:])
    }

    @Test func regexDigitClassesAreASCII() throws {
        let pattern = try RoutePattern("~seller_(?<channelId>\\d+)")
        #expect(pattern.match("seller_٣") == nil)
        #expect(pattern.match("seller_" + String(repeating: "1", count: 19)) == nil, "more than an Int64 id holds")
    }

    @Test(arguments: ["\\d+", "[0-9]+", "\\d{1,9}", "[0-9]{3}", "[1-9][0-9]*", "\\d", "[0-47-9]{2,}", "7\\d*"])
    func regexChannelIdAcceptsDigitBodies(_ body: String) throws {
        let pattern = try RoutePattern("~c_(?<channelId>\(body))")
        #expect(pattern.captureNames == ["channelId"])
    }

    @Test(arguments: [".+", "\\w+", "[0-9a-f]+", "\\d*", "[0-9]?", "(\\d+)", "\\d+|x", "[^0-9]+", "\\d+?", "\\d{0}", "\\d{,3}", "\\D+"])
    func regexChannelIdRefusesOtherBodies(_ body: String) {
        #expect(
            message("~c_(?<channelId>\(body))") == "capture channelId must match digits only (it is the channel's database id)",
            "\(body)")
    }

    @Test func invalidRegexIsRefusedWithTheReason() throws {
        let text = try #require(message("~seller_(?<channelId>[0-9]+"))
        #expect(text.hasPrefix("invalid regular expression in pattern \"~seller_(?<channelId>[0-9]+\": "), "\(text)")
        #expect(message("~") == "pattern \"~\" has an empty regular expression")
        // Escaped and bracketed parentheses are not groups.
        #expect(try RoutePattern("~a\\(?<x>b[(](?<channelId>\\d+)").captureNames == ["channelId"])
    }

    /// A platform's channel names, as a source plugin declares them (`SourcePlugin.channelNames`).
    static let rule = ChannelNameRule(
        name: "an Example channel name", maxLength: 16, allowedCharacters: Set("abcdefghijklmnopqrstuvwxyz0123456789_-"),
        allowedDescription: "lowercase letters, digits, _ and -")

    @Test func templatesThatCanNeverMatchAPlatformsChannelNamesAreFound() throws {
        #expect(
            try RoutePattern("seller/{channelId}").neverMatches(Self.rule)
                == "pattern \"seller/{channelId}\" can never match an Example channel name: \"/\" is not allowed in channel names "
                + "(allowed: lowercase letters, digits, _ and -)")
        let long = String(repeating: "a", count: 16) + "{id}"
        #expect(
            try RoutePattern(long).neverMatches(Self.rule)
                == "pattern \"\(long)\" can never match an Example channel name: it needs at least 17 characters, "
                + "and channel names have at most 16")
        // Exactly at the limit, and with every allowed character, it may match.
        #expect(try RoutePattern(String(repeating: "a", count: 15) + "{id}").neverMatches(Self.rule) == nil)
        #expect(try RoutePattern("az09_-{channelId}").neverMatches(Self.rule) == nil)
        // The template's own braces are syntax, not literal characters.
        #expect(try RoutePattern("s_{channelId}_{lang}").neverMatches(Self.rule) == nil)
        // A regex is not analysed (not decidable in general), and such patterns still load without a rule.
        #expect(try RoutePattern("~seller/(?<channelId>[0-9]+)").neverMatches(Self.rule) == nil)
        #expect(try RoutePattern("seller/{channelId}").match("seller/42") == ["channelId": "42"])
    }

    @Test func encodesAsItsTextAndComparesByIt() throws {
        let pattern = try RoutePattern("~seller_(?<channelId>[0-9]+)")
        let data = try JSONEncoder().encode([pattern])
        #expect(String(decoding: data, as: UTF8.self) == #"["~seller_(?<channelId>[0-9]+)"]"#)
        #expect(try JSONDecoder().decode([RoutePattern].self, from: data) == [pattern])
        #expect(pattern == (try RoutePattern("~seller_(?<channelId>[0-9]+)")))
        #expect(pattern != (try RoutePattern("~seller_(?<channelId>\\d+)")))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([RoutePattern].self, from: Data(#"["~("]"#.utf8)) }
    }
}
