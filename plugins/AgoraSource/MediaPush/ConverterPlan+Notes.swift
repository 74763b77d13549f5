import Foundation
import RelayCore

extension ConverterPlan {
    /// What `relaygate validate` tells about an agora route: a converter that transcodes
    /// carries the profile at what Media Push allows (`MediaPushCanvas`), which may be less
    /// than the profile asks for.
    static func notes(options: AgoraSourceOptions, transcoder: PluginConfig) -> [String] {
        guard options.push != .raw, transcoder.type != "passthrough" else { return [] }
        let settings = (try? JSONSerialization.jsonObject(with: Data(transcoder.options.utf8))) as? [String: Any]
        let video = settings?["video"] as? [String: Any]
        guard let width = (video?["width"] as? NSNumber)?.intValue, let height = (video?["height"] as? NSNumber)?.intValue
        else { return [] }
        let canvas = MediaPushCanvas.fit(width: width, height: height)
        guard canvas.scaledDown || canvas.scaledUp else { return [] }
        return [
            "profile is \(width)x\(height); Agora Media Push transcodes at most "
                + "\(MediaPushCanvas.maxWidth)x\(MediaPushCanvas.maxHeight), so its converter's canvas is \(canvas)"
        ]
    }
}
