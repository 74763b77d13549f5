import Foundation
import RelayCore

extension ConverterPlan {
    /// What `relaygate validate` tells about an agora route: a converter that transcodes
    /// carries the profile at what Media Push allows, which may be less than it asks for.
    static func notes(options: AgoraSourceOptions, transcoder: PluginConfig) -> [String] {
        guard options.push != .raw, transcoder.type != "passthrough" else { return [] }
        let settings = (try? JSONSerialization.jsonObject(with: Data(transcoder.options.utf8))) as? [String: Any]
        let video = settings?["video"] as? [String: Any]
        guard let width = (video?["width"] as? NSNumber)?.intValue, let height = (video?["height"] as? NSNumber)?.intValue
        else { return [] }
        let canvas = profile(of: transcoder)
        guard canvas.width != width || canvas.height != height else { return [] }
        return [
            "profile is \(width)x\(height); Agora Media Push transcodes it at most 1920x1080, "
                + "so the converter's canvas is \(canvas.width)x\(canvas.height)"
        ]
    }
}
