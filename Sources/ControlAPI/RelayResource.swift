import Foundation
import RelayCore

/// The JSON shape of one relay (the OpenAPI document's `Relay` schema). Nil fields are
/// left out; `streamKey` is only set for admin tokens.
struct RelayResource: Encodable {
    struct Output: Encodable {
        var name: String
        var state: String
        var bytesOut: Int64
        var bitrateKbps: Double
        var retries: Int
        var lastRetryAt: Date?
        var connectedSince: Date?
        var lastError: String?
        var errorClass: String?
        var platform: Platform?
    }

    /// What an output's companion provisioned on its platform.
    struct Platform: Encodable {
        var kind: String
        var id: String?
        var state: String
        var attempt: Int
        var lastError: String?
        var viewers: Int?
    }

    struct Ingest: Encodable {
        struct Publisher: Encodable {
            var address: String
            var encoder: String?
            var connectedSince: Date
            var uptimeSeconds: Double
            var bytesIn: Int64
            var bitrateKbps: Double
            var dropped: Int64
        }

        var url: String?
        var secureUrl: String?
        var app: String
        var state: String
        var refused: Int64
        var publisher: Publisher?
    }

    struct Upstream: Encodable {
        var kind: String
        var id: String?
        var state: String
        var mode: String?
        var attempt: Int
        var lastError: String?
    }

    var id: String
    var channelId: String
    var route: String
    var sellerUid: String?
    var origin: String
    var isActive: Bool
    var state: String
    var health: String
    var bitrateKbps: Double
    var fps: Double
    var startedAt: Date
    var uptimeSeconds: Double
    var restarts: Int
    var playbackUrl: String?
    var streamKey: String?
    var lastError: String?
    var outputs: [Output]
    var ingest: Ingest?
    var upstream: Upstream?
    /// The channel's audience on the seller's platform, when its companion counts it.
    var viewers: Int?
    /// Buyers watching on the outputs' platforms, summed over the outputs whose companions count them.
    var hlsViewers: Int?

    init(_ view: RelayView, showStreamKey: Bool, now: Date = Date()) {
        id = view.id
        channelId = view.channel
        route = view.route
        sellerUid = view.sellerUID
        origin = view.origin.rawValue
        isActive = view.state == .active
        state = view.state.rawValue
        health = view.health.rawValue
        bitrateKbps = Self.rounded(view.stats?.outputBitrateKbps ?? 0)
        fps = Self.rounded(view.stats?.input.fps ?? 0)
        startedAt = view.startedAt
        uptimeSeconds = Self.rounded(view.stats?.uptimeSeconds ?? 0)
        restarts = view.restarts
        playbackUrl = view.playbackURL
        streamKey = showStreamKey ? view.streamKey : nil
        lastError = view.stats?.lastError
        outputs = (view.stats?.outputs ?? []).map {
            Output(
                name: $0.name, state: $0.state.rawValue, bytesOut: $0.bytes, bitrateKbps: Self.rounded($0.bitrateKbps),
                retries: $0.retries, lastRetryAt: $0.lastRetryAt, connectedSince: $0.connectedSince,
                lastError: $0.lastError, errorClass: $0.errorClass?.rawValue, platform: view.platforms[$0.name].map(Self.platform))
        }
        ingest = view.ingest.map { status in
            Ingest(
                url: showStreamKey ? view.ingestURL : nil, secureUrl: showStreamKey ? view.ingestSecureURL : nil, app: status.app,
                state: status.publisher == nil ? "waiting" : "publishing", refused: status.refused,
                publisher: status.publisher.map {
                    Ingest.Publisher(
                        address: $0.address, encoder: $0.encoder, connectedSince: $0.connectedSince,
                        uptimeSeconds: Self.rounded(max(0, now.timeIntervalSince($0.connectedSince))), bytesIn: $0.bytesIn,
                        bitrateKbps: Self.rounded($0.bitrateKbps), dropped: $0.dropped)
                })
        }
        upstream = view.upstream.map(Self.upstream)
        viewers = view.upstream?.viewers
        let counted = view.platforms.values.compactMap(\.viewers)
        hlsViewers = counted.isEmpty ? nil : counted.reduce(0, +)
    }

    private static func platform(_ status: CompanionStatus) -> Platform {
        Platform(
            kind: status.kind, id: status.id, state: status.state, attempt: status.attempt, lastError: status.lastError,
            viewers: status.viewers)
    }

    private static func upstream(_ status: CompanionStatus) -> Upstream {
        Upstream(
            kind: status.kind, id: status.id, state: status.state, mode: status.mode, attempt: status.attempt,
            lastError: status.lastError)
    }

    private static func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}

struct RelayList: Encodable {
    var relays: [RelayResource]
}
