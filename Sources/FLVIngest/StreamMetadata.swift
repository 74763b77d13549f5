import RTMPProtocol
import RelayCore

/// What a publisher's `onMetaData` says about its streams. Advisory only: it may come late or
/// never, and the sequence headers are what the streams are built from. It tells the probe
/// which kinds to wait for, and adds what the headers cannot: frame rate and bitrates.
struct StreamMetadata: Equatable {
    /// The kinds the publisher names a codec for (`videocodecid`, `audiocodecid`); nil when
    /// it names neither.
    var declaredKinds: Set<StreamInfo.Kind>?
    var frameRate: Rational?
    /// bit/s (`videodatarate`, `audiodatarate` are kbit/s); 0 when not given.
    var videoBitRate: Int64
    var audioBitRate: Int64
    /// The `encoder` string, for the log.
    var encoder: String?

    /// Reads an AMF0 data message: `"@setDataFrame", "onMetaData", {…}` or `"onMetaData", {…}`.
    /// Nil for any other data message (`onTextData`, cue points) or unreadable AMF0.
    init?(payload: [UInt8]) {
        guard let values = try? AMF0.decodeAll(payload) else { return nil }
        var rest = values[...]
        if rest.first?.string == "@setDataFrame" { rest = rest.dropFirst() }
        guard rest.first?.string == "onMetaData", rest.count >= 2 else { return nil }
        let properties = rest[rest.startIndex + 1]
        func number(_ name: String) -> Double? {
            guard let value = properties[name]?.number, value.isFinite else { return nil }
            return value
        }
        func declares(_ name: String) -> Bool {
            guard let value = properties[name] else { return false }
            if let id = value.number { return id != 0 }
            return !(value.string ?? "").isEmpty
        }
        var kinds: Set<StreamInfo.Kind> = []
        if declares("videocodecid") { kinds.insert(.video) }
        if declares("audiocodecid") { kinds.insert(.audio) }
        declaredKinds = kinds.isEmpty ? nil : kinds
        frameRate = (number("framerate") ?? number("videoframerate")).flatMap(Self.rational)
        videoBitRate = Self.bitRate(number("videodatarate"))
        audioBitRate = Self.bitRate(number("audiodatarate"))
        encoder = properties["encoder"]?.string
    }

    /// kbit/s → bit/s, within reason.
    private static func bitRate(_ kbps: Double?) -> Int64 {
        guard let kbps, kbps > 0, kbps < 10_000_000 else { return 0 }
        return Int64((kbps * 1000).rounded())
    }

    /// A frame rate as a fraction: whole rates as n/1, NTSC rates (29.97 …) as n·1000/1001,
    /// anything else to a thousandth.
    static func rational(_ fps: Double) -> Rational? {
        guard fps > 0, fps <= 1000 else { return nil }
        let whole = fps.rounded()
        if abs(fps - whole) < 0.001 { return Rational(Int32(whole), 1) }
        let ntsc = (fps * 1.001).rounded()
        if abs(fps - ntsc * 1000 / 1001) < 0.001 { return Rational(Int32(ntsc) * 1000, 1001) }
        return Rational(Int32((fps * 1000).rounded()), 1000)
    }
}
