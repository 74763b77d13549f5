/// A 400 from Media Push: the message names the offending field, as Agora's do
/// ("Invalid parameter: rtmpUrl …").
struct InvalidParameter: Error {
    let field: String
    let detail: String
    var message: String { "Invalid parameter: \(field) \(detail)" }
}

/// Checks a `converter` object the way Media Push documents it (reference §1.4) and turns
/// it into a `ConverterSpec`.
enum ConverterValidation {
    /// Agora's 89-character channel-name set.
    static let channelCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,")
    static let nameCharacters = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
    /// Not documented; a day bounds it so a typo is caught rather than kept for ever.
    static let idleTimeoutRange: ClosedRange<Int64> = 1...86_400
    static let defaultIdleTimeout: Int64 = 300

    static func validate(_ converter: JSONValue?) throws -> ConverterSpec {
        guard let converter, converter.members != nil else { throw InvalidParameter(field: "converter", detail: "must be an object") }
        let raw = converter["rawOptions"], transcode = converter["transcodeOptions"]
        if raw != nil && transcode != nil {
            throw InvalidParameter(field: "rawOptions, transcodeOptions", detail: "are mutually exclusive: give exactly one")
        }
        if raw == nil && transcode == nil {
            throw InvalidParameter(field: "rawOptions, transcodeOptions", detail: "one of them is required")
        }
        let name = try optionalString(converter, "name", field: "name")
        if let name, name.isEmpty || name.count > 64 || !name.allSatisfy(nameCharacters.contains) {
            throw InvalidParameter(field: "name", detail: "must be 1-64 characters from a-zA-Z0-9-_")
        }
        guard let rtmpURL = converter["rtmpUrl"]?.stringValue, rtmpURL.utf8.count <= 1024,
            rtmpURL.hasPrefix("rtmp://") || rtmpURL.hasPrefix("rtmps://"),
            rtmpURL.split(separator: "/").count >= 3
        else { throw InvalidParameter(field: "rtmpUrl", detail: "must be an rtmp:// or rtmps:// URL of at most 1024 characters") }
        let idleTimeout = try idle(converter)
        if let jitter = converter["jitterBufferSizeMs"] {
            guard let value = jitter.intValue, (0...1000).contains(value) else {
                throw InvalidParameter(field: "jitterBufferSizeMs", detail: "must be an integer in [0, 1000]")
            }
        }
        var config: JSONValue = .object([])
        if let name { config = config.setting("name", .string(name)) }
        var spec: ConverterSpec
        if let raw {
            spec = try rawSpec(raw)
            config = config.setting("rawOptions", raw)
        } else {
            spec = try transcodeSpec(transcode!)
            config = config.setting("transcodeOptions", transcode!)
        }
        config = config.setting("rtmpUrl", .string(rtmpURL)).setting("idleTimeout", .int(idleTimeout))
        if let jitter = converter["jitterBufferSizeMs"] { config = config.setting("jitterBufferSizeMs", jitter) }
        spec.name = name
        spec.rtmpURL = rtmpURL
        spec.idleTimeout = Int(idleTimeout)
        spec.config = config
        return spec
    }

    /// `idleTimeout` and `idleTimeOut` are both documented spellings (reference §1.4).
    private static func idle(_ converter: JSONValue) throws -> Int64 {
        for key in ["idleTimeout", "idleTimeOut"] {
            guard let value = converter[key] else { continue }
            guard let seconds = value.intValue, idleTimeoutRange.contains(seconds) else {
                throw InvalidParameter(field: key, detail: "must be an integer in [\(idleTimeoutRange.lowerBound), \(idleTimeoutRange.upperBound)]")
            }
            return seconds
        }
        return defaultIdleTimeout
    }

    private static func rawSpec(_ raw: JSONValue) throws -> ConverterSpec {
        guard raw.members != nil else { throw InvalidParameter(field: "rawOptions", detail: "must be an object") }
        let channel = try rtcChannel(raw, field: "rawOptions.rtcChannel")
        guard let uid = raw["rtcStreamUid"].flatMap(uidValue) else {
            throw InvalidParameter(field: "rawOptions.rtcStreamUid", detail: "is required: an integer uid in [1, 4294967295]")
        }
        return ConverterSpec(
            channel: channel, raw: true, uids: [uid], mixesEveryone: false, rtmpURL: "", idleTimeout: 0,
            video: ConverterSpec.rawVideo, audio: ConverterSpec.rawAudio, vertical: false, config: .null)
    }

    private static func transcodeSpec(_ options: JSONValue) throws -> ConverterSpec {
        guard options.members != nil else { throw InvalidParameter(field: "transcodeOptions", detail: "must be an object") }
        let channel = try rtcChannel(options, field: "transcodeOptions.rtcChannel")
        let audioJSON = options["audioOptions"], videoJSON = options["videoOptions"]
        guard audioJSON != nil || videoJSON != nil else {
            throw InvalidParameter(
                field: "transcodeOptions.audioOptions, transcodeOptions.videoOptions", detail: "at least one is required")
        }
        var uids: [UInt32] = []
        var mixesEveryone = false
        var audio: ConverterSpec.Audio?
        if let audioJSON {
            let (settings, streamUids) = try TranscodeValidation.audio(audioJSON)
            audio = settings
            if let streamUids { uids += streamUids } else { mixesEveryone = true }
        }
        var video: ConverterSpec.Video?
        var vertical = false
        if let videoJSON {
            let checked = try TranscodeValidation.video(videoJSON)
            video = checked.settings
            vertical = checked.vertical
            uids += checked.layoutUids.filter { !uids.contains($0) }
            if checked.vertical { mixesEveryone = true }
        }
        return ConverterSpec(
            channel: channel, raw: false, uids: mixesEveryone ? [] : uids, mixesEveryone: mixesEveryone, rtmpURL: "",
            idleTimeout: 0, video: video, audio: audio, vertical: vertical, config: .null)
    }

    static func rtcChannel(_ options: JSONValue, field: String) throws -> String {
        guard let channel = options["rtcChannel"]?.stringValue, !channel.isEmpty, channel.count <= 64,
            channel.allSatisfy(channelCharacters.contains)
        else { throw InvalidParameter(field: field, detail: "is required: 1-64 characters from Agora's channel-name set") }
        return channel
    }

    static func uidValue(_ value: JSONValue) -> UInt32? {
        guard let uid = value.intValue, (1...Int64(UInt32.max)).contains(uid) else { return nil }
        return UInt32(uid)
    }

    static func optionalString(_ object: JSONValue, _ key: String, field: String) throws -> String? {
        guard let value = object[key] else { return nil }
        guard let string = value.stringValue else { throw InvalidParameter(field: field, detail: "must be a string") }
        return string
    }

    /// An integer member in `range`, `fallback` when absent.
    static func integer(
        _ object: JSONValue, _ key: String, field: String, in range: ClosedRange<Int64>, fallback: Int64?
    ) throws -> Int64? {
        guard let value = object[key] else { return fallback }
        guard let number = value.intValue, range.contains(number) else {
            throw InvalidParameter(field: field, detail: "must be an integer in [\(range.lowerBound), \(range.upperBound)]")
        }
        return number
    }

    /// A string member from `allowed`, `fallback` when absent.
    static func oneOf(_ object: JSONValue, _ key: String, field: String, _ allowed: [String], fallback: String) throws -> String {
        guard let value = object[key] else { return fallback }
        guard let string = value.stringValue, allowed.contains(string) else {
            throw InvalidParameter(field: field, detail: "must be one of \(allowed.joined(separator: ", "))")
        }
        return string
    }
}
