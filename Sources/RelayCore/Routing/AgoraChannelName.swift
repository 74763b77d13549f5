/// What Agora accepts as a channel name: at most 64 characters from an 89-character set
/// (ASCII letters, digits, space and 26 punctuation marks). Route patterns are checked
/// against it, so a pattern that could never match a channel is a config error, not a
/// route that silently never serves.
public enum AgoraChannelName {
    public static let maxLength = 64

    /// Letters, digits, space and `!#$%&()+-:;<=.>?@[]^_{|}~,`.
    public static let allowedCharacters: Set<Character> = {
        var set = Set<Character>(" !#$%&()+-:;<=.>?@[]^_{|}~,")
        for range in [UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9")] {
            for byte in range { set.insert(Character(Unicode.Scalar(byte))) }
        }
        return set
    }()

    public static func isAllowed(_ character: Character) -> Bool { allowedCharacters.contains(character) }
}
