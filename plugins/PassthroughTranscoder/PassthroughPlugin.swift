import MediaEngine
public import RelayCore

/// Transcoder `passthrough`: no re-encode. Timestamps are made monotonic and rebased so
/// the output starts at 0, whatever the source did (loops, reconnects, wraps).
public enum PassthroughPlugin: TranscoderPlugin {
    public static let type = "passthrough"
    /// FLV and friends cannot carry raw frames; copying them would fail at the sink.
    public static let acceptsRawMedia = false

    public struct Options: PluginOptions {
        /// A timestamp jump larger than this (either way) is treated as a discontinuity and
        /// stitched, instead of being passed on as a gap the player would stall on.
        public var maxJumpMs: Int64

        public init(maxJump: Duration = .seconds(5)) {
            self.maxJumpMs = maxJump.milliseconds
        }
    }

    public static func decodeOptions(_ reader: inout MappingReader) -> Options? {
        let maxJump = reader.optional("max_jump", .duration(in: .milliseconds(100)...(.seconds(3600))))
        return Options(maxJump: maxJump ?? .seconds(5))
    }

    public static func makeTranscoder(options: Options, context: StageContext) throws -> any MediaTranscoder {
        PassthroughTranscoder(options: options, slate: try StillImage.slate(context.slateImage))
    }
}
