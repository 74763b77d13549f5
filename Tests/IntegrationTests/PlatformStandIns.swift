import Foundation
import Testing
import TestSupport

/// What the platform tests push to and talk to: nginx-rtmp behind nginx's TLS (the
/// platforms' RTMPS ingest, with a certificate of a test CA), the Cloudflare fake whose live
/// inputs point there, and the IVS fake (moto) whose channels do.
struct PlatformStandIns: Sendable {
    let ca: TestCertificateAuthority
    let nginx: Nginx
    /// Where IVS channels' ingest points: `nginx`, or one of its own (to kill it alone).
    let ivsNginx: Nginx
    let cloudflare: FakeCloudflare
    let ivs: FakeIVS

    static let webhookSecret = "cf-webhook-secret-\(UUID().uuidString)"

    static func start(separateIVSIngest: Bool = false) async throws -> PlatformStandIns {
        let ca = try TestCertificateAuthority()
        let local = try ca.issue("local", for: ["127.0.0.1", "localhost"])
        let nginx = try await Nginx(tlsFronts: [local])
        let ivsNginx = separateIVSIngest ? try await Nginx(tlsFronts: [local]) : nginx
        let cloudflare = try await FakeCloudflare.start(.init(ingestURL: nginx.secureURL("live", "")))
        let ivs = try await FakeIVS.start()
        try await ivs.setIngestEndpoint("127.0.0.1:\(ivsNginx.tlsPorts[0])")
        return PlatformStandIns(ca: ca, nginx: nginx, ivsNginx: ivsNginx, cloudflare: cloudflare, ivs: ivs)
    }

    /// A `platforms:` entry of type cloudflare on the fake's account.
    func cloudflarePlatform(_ name: String, token: String = FakeCloudflare.Configuration.writeToken, extra: String = "") -> String {
        """
          \(name):
            type: cloudflare
            account_id: \(cloudflare.configuration.accountID)
            api_token: "\(token)"
            customer_code: \(cloudflare.configuration.customerCode)
            api_url: "\(cloudflare.apiURL)"
            customer_url: "\(cloudflare.customerURL)"
            viewers_interval: 1s
            webhook_secret: "\(Self.webhookSecret)"
            ca_file: \(ca.certificate)
        \(extra)

        """
    }

    /// A `platforms:` entry of type ivs on the fake's account.
    func ivsPlatform(_ name: String, extra: String = "") -> String {
        """
          \(name):
            type: ivs
            region: \(ivs.region)
            access_key_id: \(ivs.accessKeyID)
            secret_access_key: "\(ivs.secretAccessKey)"
            endpoint: "\(ivs.endpoint)"
            viewers_interval: 1s
            latency_mode: LOW
            channel_type: BASIC
            ca_file: \(ca.certificate)
        \(extra)

        """
    }

    /// The stream name nginx sees for an IVS channel's push: its stream key (the fake makes
    /// them `sk_<region>_…`); nil until one publishes.
    func ivsStreamKeys() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(ivsNginx.prefix.path)/hls")) ?? []
        return Set(names.filter { $0.hasPrefix("sk_") && $0.hasSuffix(".m3u8") }.map { String($0.dropLast(5)) }).sorted()
    }

    /// Everything no log line may contain: the fakes' tokens and secrets, every stream key.
    func secrets() -> [String] {
        [
            FakeCloudflare.Configuration.writeToken, FakeCloudflare.Configuration.readToken,
            FakeCloudflare.Configuration.noStreamToken, Self.webhookSecret, ivs.secretAccessKey,
        ] + cloudflare.liveInputs().map(\.streamKey) + ivsStreamKeys()
    }

    func shutdown() async {
        await cloudflare.shutdown()
        nginx.stop()
        ivsNginx.stop()
    }
}

/// A route serving `seller_{channelId}` from the RTMP ingest to `outputs`.
func sellerRoute(outputs: [String], reconnectWindow: String = "5s") -> String {
    """
    routes:
      sellers:
        match: "seller_{channelId}"
        source: { type: rtmp }
        outputs: [\(outputs.joined(separator: ", "))]
        reconnect_window: \(reconnectWindow)

    """
}

extension GatewayHarness {
    /// Starts `channel`'s relay by the API and publishes a looped clip to its ingest URL.
    func startSeller(_ channel: String, clip: String) async throws -> ChildProcess {
        try await api.start(channel)
        return try push(clip, to: try await ingestURL(channel), loop: true, name: "seller-\(channel)")
    }

    /// The relay's output `name` as the API shows it (read token).
    func output(_ channel: String, _ name: String) async -> [String: Any]? {
        let relay = try? await api.relay(channel, token: GatewayHarness.readToken)
        return (relay?["outputs"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    /// Every line the gateway logged, checked for `secrets`: the names of those found.
    func leaked(_ secrets: [String]) -> [String] {
        secrets.filter { !$0.isEmpty && log.contains($0) }
    }
}
