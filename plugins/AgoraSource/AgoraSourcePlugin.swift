public import RelayCore
import RTMPSource

/// Source `agora`: the seller's stream in an Agora channel, brought in by an Agora Media Push
/// converter that relaygate creates to publish into its own RTMP ingest with a per-relay key.
///
/// Two halves: in the worker, this is the `rtmp` source on application `agora` (the
/// converter is its publisher); in the supervisor, `AgoraService` creates, watches and
/// deletes the converter for as long as the relay exists.
public enum AgoraSourcePlugin: SourcePlugin {
    public static let type = "agora"
    /// The ingest application converters publish to.
    public static let ingestApp = "agora"

    public typealias Options = AgoraSourceOptions

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        AgoraSourceOptions.decode(&reader)
    }

    public static var requiredSection: String? { "agora" }

    /// A random key per relay; a second publisher (a recreated converter whose predecessor
    /// still pushes) takes over rather than being refused.
    public static func ingestEndpoint(options: Options) -> IngestEndpoint? {
        IngestEndpoint(app: ingestApp, key: nil, takeover: true)
    }

    public static func makeSource(options: Options, context: StageContext) throws -> any MediaSource {
        try RTMPSourcePlugin.makeSource(
            options: RTMPSourcePlugin.Options(app: ingestApp, takeover: true, publishTimeout: .zero), context: context)
    }
}
