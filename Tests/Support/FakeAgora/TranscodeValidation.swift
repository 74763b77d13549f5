/// The documented ranges of `transcodeOptions.audioOptions` and `.videoOptions`
/// (reference §1.4).
enum TranscodeValidation {
    private typealias V = ConverterValidation

    /// The audio settings, and `rtcStreamUids` (nil when absent: every user is mixed).
    static func audio(_ audio: JSONValue) throws -> (ConverterSpec.Audio, [UInt32]?) {
        let prefix = "transcodeOptions.audioOptions"
        guard audio.members != nil else { throw InvalidParameter(field: prefix, detail: "must be an object") }
        let profile = try V.oneOf(audio, "codecProfile", field: "\(prefix).codecProfile", ["LC-AAC", "HE-AAC"], fallback: "LC-AAC")
        let sampleRate = try V.integer(audio, "sampleRate", field: "\(prefix).sampleRate", in: 32000...48000, fallback: 48000)!
        guard [32000, 44100, 48000].contains(sampleRate) else {
            throw InvalidParameter(field: "\(prefix).sampleRate", detail: "must be 32000, 44100 or 48000")
        }
        let bitrate = try V.integer(audio, "bitrate", field: "\(prefix).bitrate", in: 32...128, fallback: 48)!
        let channels = try V.integer(audio, "audioChannels", field: "\(prefix).audioChannels", in: 1...2, fallback: 1)!
        var streamUids: [UInt32]?
        if let list = audio["rtcStreamUids"] {
            guard let items = list.arrayValue else { throw InvalidParameter(field: "\(prefix).rtcStreamUids", detail: "must be an array") }
            streamUids = try items.map { item in
                guard let uid = V.uidValue(item) else {
                    throw InvalidParameter(field: "\(prefix).rtcStreamUids", detail: "must hold integer uids")
                }
                return uid
            }
        }
        if let volumes = audio["volumes"] {
            guard let items = volumes.arrayValue else { throw InvalidParameter(field: "\(prefix).volumes", detail: "must be an array") }
            for item in items {
                guard let uid = item["rtcStreamUid"].flatMap(V.uidValue), streamUids?.contains(uid) == true else {
                    throw InvalidParameter(field: "\(prefix).volumes.rtcStreamUid", detail: "must be one of rtcStreamUids")
                }
                _ = try V.integer(item, "volume", field: "\(prefix).volumes.volume", in: 0...200, fallback: 100)
            }
        }
        let settings = ConverterSpec.Audio(
            sampleRate: Int(sampleRate), channels: Int(channels), bitrateKbps: Int(bitrate), heAAC: profile == "HE-AAC")
        return (settings, streamUids)
    }

    /// The video settings, the uids the layout shows, and whether the layout is vertical.
    static func video(_ video: JSONValue) throws -> (settings: ConverterSpec.Video, layoutUids: [UInt32], vertical: Bool) {
        let prefix = "transcodeOptions.videoOptions"
        guard let members = video.members, !members.isEmpty else {
            throw InvalidParameter(field: prefix, detail: "must be a non-empty object")
        }
        guard let canvas = video["canvas"], canvas.members != nil else {
            throw InvalidParameter(field: "\(prefix).canvas", detail: "is required")
        }
        let width = try V.integer(canvas, "width", field: "\(prefix).canvas.width", in: 66...1920, fallback: nil)
        let height = try V.integer(canvas, "height", field: "\(prefix).canvas.height", in: 66...1920, fallback: nil)
        guard let width, let height else {
            throw InvalidParameter(field: "\(prefix).canvas.width, \(prefix).canvas.height", detail: "are required")
        }
        _ = try V.integer(canvas, "color", field: "\(prefix).canvas.color", in: 0...16_777_215, fallback: 0)
        guard let bitrate = try V.integer(video, "bitrate", field: "\(prefix).bitrate", in: 1...10000, fallback: nil) else {
            throw InvalidParameter(field: "\(prefix).bitrate", detail: "is required: an integer in [1, 10000]")
        }
        let frameRate = try V.integer(video, "frameRate", field: "\(prefix).frameRate", in: 1...30, fallback: 15)!
        let gop = try V.integer(video, "gop", field: "\(prefix).gop", in: 1...Int64(Int32.max), fallback: frameRate * 2)!
        let codec = try V.oneOf(video, "codec", field: "\(prefix).codec", ["H.264", "H.265"], fallback: "H.264")
        var profile = try V.oneOf(
            video, "codecProfile", field: "\(prefix).codecProfile", ["high", "baseline", "main"], fallback: "high")
        // Documented: H.265 forces main.
        if codec == "H.265" { profile = "main" }
        let layoutType = try V.integer(video, "layoutType", field: "\(prefix).layoutType", in: 0...1, fallback: 0)!
        var layoutUids: [UInt32] = []
        if layoutType == 1 {
            guard let vertical = video["vertical"], vertical.members != nil else {
                throw InvalidParameter(field: "\(prefix).vertical", detail: "is required when layoutType is 1")
            }
        } else {
            layoutUids = try layout(video["layout"], prefix: prefix)
        }
        // Encoders want even dimensions; Agora's output canvas is what was asked, rounded so.
        let settings = ConverterSpec.Video(
            width: Int(width) & ~1, height: Int(height) & ~1, frameRate: Int(frameRate), bitrateKbps: Int(bitrate),
            gop: Int(gop), profile: profile)
        return (settings, layoutUids, layoutType == 1)
    }

    /// The uids of the layout's stream views (image views carry none).
    private static func layout(_ layout: JSONValue?, prefix: String) throws -> [UInt32] {
        guard let items = layout?.arrayValue else {
            throw InvalidParameter(field: "\(prefix).layout", detail: "is required when layoutType is 0 or absent")
        }
        var uids: [UInt32] = []
        for item in items {
            guard let region = item["region"], region.members != nil else {
                throw InvalidParameter(field: "\(prefix).layout.region", detail: "is required")
            }
            for key in ["xPos", "yPos", "width", "height"] {
                guard try V.integer(region, key, field: "\(prefix).layout.region.\(key)", in: 0...1920, fallback: nil) != nil else {
                    throw InvalidParameter(field: "\(prefix).layout.region.\(key)", detail: "is required")
                }
            }
            _ = try V.integer(region, "zIndex", field: "\(prefix).layout.region.zIndex", in: 0...100, fallback: 0)
            _ = try V.oneOf(item, "fillMode", field: "\(prefix).layout.fillMode", ["fill", "fit"], fallback: "fill")
            if let uid = item["rtcStreamUid"] {
                guard let value = V.uidValue(uid) else {
                    throw InvalidParameter(field: "\(prefix).layout.rtcStreamUid", detail: "must be an integer uid")
                }
                if !uids.contains(value) { uids.append(value) }
            } else if item["imageUrl"]?.stringValue == nil {
                throw InvalidParameter(field: "\(prefix).layout", detail: "each view needs rtcStreamUid or imageUrl")
            }
        }
        return uids
    }
}
