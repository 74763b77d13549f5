/// A live input as a single GET (or the create) answers it (reference §1.3): the fields a
/// relay needs. SRT, WebRTC and playback credentials are not kept, so they cannot leak.
public struct LiveInput: Sendable, Equatable, Decodable {
    /// 32 hex characters.
    public var uid: String
    /// Where to push: publish to `rtmps.publishURL`. Nil if the answer had none.
    public var rtmps: RTMPSIngest?
    public var meta: [String: String]
    public var recording: LiveInputRecording?
    public var enabled: Bool?
    public var deleteRecordingAfterDays: Int?
    /// Nil for a fresh input (`null`) or a shape this client cannot read.
    public var status: LiveInputStatus?
    public var created: String?
    public var modified: String?

    private enum CodingKeys: String, CodingKey {
        case uid, rtmps, meta, recording, enabled, deleteRecordingAfterDays, status, created, modified
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        uid = try container.decode(String.self, forKey: .uid)
        rtmps = try container.decodeIfPresent(RTMPSIngest.self, forKey: .rtmps)
        meta = (try? container.decodeIfPresent(LiveInputMeta.self, forKey: .meta))?.values ?? [:]
        recording = try? container.decodeIfPresent(LiveInputRecording.self, forKey: .recording)
        enabled = try? container.decodeIfPresent(Bool.self, forKey: .enabled)
        deleteRecordingAfterDays = (try? container.decodeIfPresent(Double.self, forKey: .deleteRecordingAfterDays))
            .flatMap { Int(exactly: $0) }
        status = try? container.decodeIfPresent(LiveInputStatus.self, forKey: .status)
        created = try? container.decodeIfPresent(String.self, forKey: .created)
        modified = try? container.decodeIfPresent(String.self, forKey: .modified)
    }

    /// The relay this input was made for, when its meta says so.
    public var relayTag: RelayTag? { RelayTag(meta: meta) }
}

/// `rtmps: {url, streamKey}`. The key is a credential: whoever has it can broadcast.
public struct RTMPSIngest: Sendable, Equatable, Decodable {
    /// E.g. `rtmps://live.cloudflare.com:443/live/`.
    public var url: String
    public var streamKey: CloudflareSecret

    public init(url: String, streamKey: CloudflareSecret) {
        self.url = url
        self.streamKey = streamKey
    }

    private enum CodingKeys: String, CodingKey { case url, streamKey }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        streamKey = CloudflareSecret(try container.decode(String.self, forKey: .streamKey))
    }

    /// `url + streamKey`, what the pusher opens (the docs' FFmpeg example); as secret as the key.
    public var publishURL: CloudflareSecret {
        let base = url.hasSuffix("/") ? url : url + "/"
        return CloudflareSecret(base + streamKey.revealed())
    }
}

/// `recording` as the API answers it.
public struct LiveInputRecording: Sendable, Equatable, Decodable {
    /// `off` or `automatic`.
    public var mode: String?
    public var timeoutSeconds: Int?
    public var requireSignedURLs: Bool?
    public var hideLiveViewerCount: Bool?
}

/// `meta` is a free key-value store; only its string values are kept (relaygate writes
/// strings only), so an input someone else tagged with numbers still decodes.
struct LiveInputMeta: Decodable {
    var values: [String: String]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        var values: [String: String] = [:]
        for key in container.allKeys {
            if let text = try? container.decode(String.self, forKey: key) { values[key.stringValue] = text }
        }
        self.values = values
    }
}
