import MediaEngine
public import RelayCore

/// Transcoder `auto`: an h264 profile that copies the source instead of encoding it while
/// the source already meets the profile. Same options as `h264`.
public enum AutoTranscoderPlugin: TranscoderPlugin {
    public static let type = "auto"

    public typealias Options = H264TranscoderPlugin.Options

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        H264TranscoderPlugin.decodeOptions(&reader)
    }

    public static func makeTranscoder(options: Options, context: StageContext) throws -> any MediaTranscoder {
        AutoTranscoder(options: options, context: context, slate: try StillImage.slate(context.slateImage))
    }
}
