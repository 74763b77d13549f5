import RelayCore

/// Learns a publisher's streams from its first messages and keeps them (within a budget) so
/// the source can replay them as packets. Never waits for `onMetaData`: it only says which
/// kinds to expect. The rules, in order:
/// - every expected kind has its sequence header → done. Expected: the kinds the metadata
///   names, else the kinds this relay opened with before (a returning publisher), else both;
/// - one kind has its header and the other has sent nothing for 1 s of media time, with
///   nothing saying it exists → done with that kind;
/// - some kind has its header and 3 s of media time went by → done with what is there;
/// - 5 s on the wall clock, or the message or byte budget spent → done with what is there
///   (nothing: the source fails).
struct StreamProbe {
    static let singleKindAfterMs: Int64 = 1000
    static let missingKindPatienceMs: Int64 = 3000
    static let wallLimit: Duration = .seconds(5)
    static let maxMessages = 4096
    static let maxBytes = 32 << 20

    /// Kinds an earlier source instance of this relay opened with: the pipeline wants them back.
    private let earlierKinds: Set<StreamInfo.Kind>?
    /// The first sequence headers: the streams' extradata. Later ones are replayed as changes.
    private(set) var video: AVCDecoderConfiguration?
    private(set) var audio: AudioSpecificConfig?
    /// The latest onMetaData.
    private(set) var metadata: StreamMetadata?
    /// Everything added, in order.
    private(set) var tags: [MediaTag] = []
    private var bytes = 0
    /// Media messages per kind, headers included.
    private var seen: [StreamInfo.Kind: Int] = [:]
    private var firstMediaAt: Int64?
    private var latestMediaAt: Int64?

    init(earlierKinds: [StreamInfo.Kind]?) {
        self.earlierKinds = earlierKinds.map(Set.init)
    }

    mutating func add(_ tag: MediaTag) {
        tags.append(tag)
        bytes += tag.size
        switch tag.body {
        case .video(let video):
            if case .sequenceHeader(let config) = video, self.video == nil { self.video = config }
        case .audio(let audio):
            if case .sequenceHeader(let config) = audio, self.audio == nil { self.audio = config }
        case .metadata(let metadata):
            self.metadata = metadata
        case .otherData:
            break
        }
        guard let kind = tag.kind else { return }
        seen[kind, default: 0] += 1
        firstMediaAt = min(firstMediaAt ?? tag.timestamp, tag.timestamp)
        latestMediaAt = max(latestMediaAt ?? tag.timestamp, tag.timestamp)
    }

    /// The kinds whose sequence header arrived.
    var found: Set<StreamInfo.Kind> {
        var kinds: Set<StreamInfo.Kind> = []
        if video != nil { kinds.insert(.video) }
        if audio != nil { kinds.insert(.audio) }
        return kinds
    }

    /// Whether probing is over, `elapsed` after it began.
    func isDone(elapsed: Duration) -> Bool {
        if elapsed >= Self.wallLimit || tags.count >= Self.maxMessages || bytes >= Self.maxBytes { return true }
        let found = self.found
        guard !found.isEmpty else { return false }
        let declared = metadata?.declaredKinds ?? earlierKinds
        let missing = (declared ?? [.video, .audio]).subtracting(found)
        if missing.isEmpty { return true }
        let span = (latestMediaAt ?? 0) - (firstMediaAt ?? 0)
        let silent = declared == nil && missing.allSatisfy { seen[$0] == nil }
        return span >= (silent ? Self.singleKindAfterMs : Self.missingKindPatienceMs)
    }

    /// The streams found: video 0 and audio 1, or the one kind at 0. Time base 1/1000 (FLV).
    func streams() -> [StreamInfo] {
        var streams: [StreamInfo] = []
        let millisecond = Rational(1, 1000)
        if let video {
            let sps = video.sps
            streams.append(
                StreamInfo(
                    index: streams.count, kind: .video, codec: "h264", timeBase: millisecond, extradata: video.bytes,
                    bitRate: metadata?.videoBitRate ?? 0, profile: sps.profile, level: Int32(sps.levelIDC),
                    width: Int32(sps.width), height: Int32(sps.height), frameRate: metadata?.frameRate,
                    pixelFormat: sps.pixelFormat))
        }
        if let audio {
            streams.append(
                StreamInfo(
                    index: streams.count, kind: .audio, codec: "aac", timeBase: millisecond, extradata: audio.bytes,
                    bitRate: metadata?.audioBitRate ?? 0, profile: audio.profile, sampleRate: audio.sampleRate,
                    channels: audio.channels, sampleFormat: "fltp", frameSize: audio.frameSize))
        }
        return streams
    }

    /// What arrived, for the error when nothing usable did: "12 video and 0 audio messages,
    /// no onMetaData; no H.264 sequence header".
    var summary: String {
        var text = "\(seen[.video] ?? 0) video and \(seen[.audio] ?? 0) audio messages, "
        text += metadata == nil ? "no onMetaData" : "onMetaData"
        var missing: [String] = []
        if video == nil { missing.append("no H.264 sequence header") }
        if audio == nil { missing.append("no AAC sequence header") }
        return text + "; " + missing.joined(separator: ", ")
    }
}
