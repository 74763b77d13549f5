import FLVIngest
public import RelayCore

/// Source `agora`: the seller's stream in an Agora channel, brought in by an Agora Media Push
/// converter that relaygate creates to publish into its own RTMP ingest with a per-relay key.
///
/// Two halves: in the worker, this reads the ingest like source `rtmp`, on application
/// `agora` (the converter is its publisher); in the supervisor, its companion
/// (`AgoraCompanionPlugin`, section `agora:`) creates, watches and deletes the converter for
/// as long as the relay lives.
public enum AgoraSourcePlugin: SourcePlugin {
    public static let type = "agora"
    /// The ingest application converters publish to.
    public static let ingestApp = "agora"

    public typealias Options = AgoraSourceOptions

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        AgoraSourceOptions.decode(&reader)
    }

    public static var companion: (any CompanionPlugin.Type)? { AgoraCompanionPlugin.self }

    public static var channelNames: ChannelNameRule? { AgoraChannelName.rule }

    /// A random key per relay; a second publisher (a recreated converter whose predecessor
    /// still pushes) takes over rather than being refused. Direct relays have none: the
    /// converter pushes straight to the platform.
    public static func ingestEndpoint(options: Options) -> IngestEndpoint? {
        options.direct ? nil : IngestEndpoint(app: ingestApp, key: nil, takeover: true)
    }

    /// Direct mode: the converter carries the media from Agora to the platform by itself.
    public static func runsExternally(options: Options) -> Bool { options.direct }

    /// Media Push pushes the uid it is given: a relay for a broadcaster needs an Agora uid.
    public static func requestProblem(options: Options, sellerUID: String) -> String? {
        guard options.seller == .broadcaster else { return nil }
        guard let uid = UInt32(sellerUID), uid > 0 else {
            return "it relays an Agora broadcaster: sellerUid must be their Agora uid (1 to 4294967295)"
        }
        return nil
    }

    public static func notes(options: Options, transcoder: PluginConfig) -> [String] {
        ConverterPlan.notes(options: options, transcoder: transcoder)
    }

    public static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        guard let ingest = context.ingest else {
            throw RelayError(.internal, "agora source: this relay has no ingest endpoint")
        }
        return RTMPSource(ingest: ingest, context: context)
    }
}

/// What Agora accepts as a channel name: at most 64 characters from an 89-character set
/// (ASCII letters, digits, space and 26 punctuation marks).
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

    public static let rule = ChannelNameRule(
        name: "an Agora channel name", maxLength: maxLength, allowedCharacters: allowedCharacters,
        allowedDescription: "ASCII letters, digits, space and !#$%&()+-:;<=.>?@[]^_{|}~,")
}
