public import RelayCore

/// The profiles every config has without defining them. Each is decoded through the
/// registry exactly as if written in conf.d, so a conf.d profile of the same name replaces
/// it, and one whose plugin is not compiled in is simply absent.
public enum BuiltinProfiles {
    /// A built-in profile as YAML would give it: `type` plus option mappings of scalars.
    struct Definition: Sendable {
        var name: String
        var type: String
        var sections: [(key: String, fields: [(String, String)])]
    }

    static let definitions: [Definition] = [
        Definition(name: ProfileConfig.builtInName, type: "passthrough", sections: []),
        Definition(name: "1080p", type: "h264", sections: [("video", video(1920, 1080, bitrate: "4500k"))]),
        Definition(name: "720p", type: "h264", sections: [("video", video(1280, 720, bitrate: "3000k"))]),
        Definition(name: "480p", type: "h264", sections: [("video", video(854, 480, bitrate: "1200k"))]),
        // Copies a source that already fits 1080p30 at up to 4500k with keyframes every ≤ 2 s.
        Definition(name: "auto", type: "auto", sections: [("video", video(1920, 1080, bitrate: "4500k"))]),
    ]

    public static let names = definitions.map(\.name)

    private static func video(_ width: Int, _ height: Int, bitrate: String) -> [(String, String)] {
        [("width", "\(width)"), ("height", "\(height)"), ("fps", "30"), ("bitrate", bitrate)]
    }

    /// The transcoder of built-in profile `name`, or nil if there is none by that name.
    public static func transcoder(named name: String, registry: PluginRegistry) -> PluginConfig? {
        DefinitionDecoder(registry: registry, diagnostics: Diagnostics()).builtInProfiles()
            .first { $0.name == name }?.transcoder
    }
}
