internal import CFFmpeg

/// The libav* libraries this binary runs with (runtime versions, which can differ from the
/// headers it was built against), for `relaygate version`.
public enum MediaLibraries {
    public static var versions: [(String, String)] {
        [
            ("libavformat", format(avformat_version())),
            ("libavcodec", format(avcodec_version())),
            ("libavutil", format(avutil_version())),
        ]
    }

    private static func format(_ version: UInt32) -> String {
        "\(version >> 16).\((version >> 8) & 0xff).\(version & 0xff)"
    }
}
