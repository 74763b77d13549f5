/// What a platform accepts as a channel name, declared by the source plugin whose channels
/// they are (`SourcePlugin.channelNames`): route patterns of that source that could never
/// match such a name are config errors, not routes that silently never serve.
public struct ChannelNameRule: Sendable {
    /// How errors name such a channel, e.g. "an Example channel name".
    public var name: String
    public var maxLength: Int
    public var allowedCharacters: Set<Character>
    /// The allowed set in words, for errors.
    public var allowedDescription: String

    public init(name: String, maxLength: Int, allowedCharacters: Set<Character>, allowedDescription: String) {
        self.name = name
        self.maxLength = maxLength
        self.allowedCharacters = allowedCharacters
        self.allowedDescription = allowedDescription
    }
}
