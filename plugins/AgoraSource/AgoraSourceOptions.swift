public import RelayCore

/// What a route's `source: { type: agora, … }` says.
public struct AgoraSourceOptions: PluginOptions {
    /// Whose stream is pushed.
    public enum Seller: Codable, Sendable, Equatable {
        /// The broadcaster named by the webhook (or the API request) that started the relay.
        case broadcaster
        /// A fixed uid (for a route with a fixed channel).
        case uid(UInt32)
    }

    /// How the converter pushes.
    public enum Push: String, Codable, Sendable, Equatable, CaseIterable {
        /// Raw when the seller publishes H.264 and the route passes video through, else transcode.
        case auto
        /// `rawOptions`: Agora repackages the seller's H.264 as it is (no re-encode anywhere).
        case raw
        /// `transcodeOptions`: Agora re-encodes a one-user layout (needed for VP8 sellers).
        case transcode
    }

    /// The codec sellers publish with (the Web SDK's `codec`).
    public enum SellerCodec: String, Codable, Sendable, Equatable, CaseIterable {
        case h264
        case vp8
    }

    public var seller: Seller
    public var push: Push
    public var sellerCodec: SellerCodec
    /// Seconds Agora keeps a converter whose seller has left before destroying it.
    public var idleTimeoutSeconds: Int
    /// Converter creations (the first and each re-creation) before the relay fails.
    public var attempts: Int
    /// The converter pushes straight to the route's one RTMP output (no ingest, no worker:
    /// the gateway only creates, watches and deletes it).
    public var direct: Bool

    public init(
        seller: Seller = .broadcaster, push: Push = .auto, sellerCodec: SellerCodec = .h264, idleTimeoutSeconds: Int = 300,
        attempts: Int = 3, direct: Bool = false
    ) {
        self.direct = direct
        self.seller = seller
        self.push = push
        self.sellerCodec = sellerCodec
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.attempts = attempts
    }

    static func decode(_ reader: inout MappingReader) -> AgoraSourceOptions? {
        let defaults = AgoraSourceOptions()
        let errorsBefore = reader.diagnostics.count
        let seller = reader.optional("seller", sellerParser) ?? defaults.seller
        let push = reader.optional("push", .oneOf(Push.allCases.map(\.rawValue))).flatMap(Push.init) ?? defaults.push
        let codec =
            reader.optional("seller_codec", .oneOf(SellerCodec.allCases.map(\.rawValue))).flatMap(SellerCodec.init)
            ?? defaults.sellerCodec
        // Agora's documented default and recommendation is 300 s; it gives no range.
        let idle = reader.optional("idle_timeout", .duration(in: .seconds(5)...(.seconds(300))))
        let attempts = reader.optional("attempts", .int(in: 1...20)) ?? defaults.attempts
        let direct = reader.optional("direct", .bool) ?? defaults.direct
        if push == .raw, codec == .vp8 {
            reader.diagnostics.error(
                "\(reader.context): push \"raw\" cannot carry VP8 (Agora forwards raw streams as H.264 only); "
                    + "use push \"transcode\" or \"auto\"", at: reader.location(of: "push"))
        }
        guard reader.diagnostics.count == errorsBefore else { return nil }
        return AgoraSourceOptions(
            seller: seller, push: push, sellerCodec: codec,
            idleTimeoutSeconds: idle.map { Int($0.components.seconds) } ?? defaults.idleTimeoutSeconds, attempts: attempts,
            direct: direct)
    }

    /// `broadcaster`, or a uid (1 … 2^32-1).
    private static let sellerParser = ValueParser<Seller> { node, key, diagnostics in
        guard let text = node.scalarText, !node.isNull else {
            diagnostics.error("\"\(key)\" must be \"broadcaster\" or a uid, got \(node.kindDescription)", at: node.location)
            return nil
        }
        if text == "broadcaster" { return .broadcaster }
        guard let uid = UInt32(text), uid > 0 else {
            diagnostics.error("\"\(key)\" must be \"broadcaster\" or a uid (1 to 4294967295), got \"\(text)\"", at: node.location)
            return nil
        }
        return .uid(uid)
    }
}
