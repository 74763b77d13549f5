import Foundation
import Synchronization
import Testing
import TestSupport

/// Everything an end-to-end test runs against, started in one call: a real nginx-rtmp
/// (platform `nginx`: `live/{channel}`, HLS with 1 s fragments), ffmpeg sellers publishing
/// to its `src/<name>`, and `relaygate run` on a config written here — with, on request, a
/// migrated PostgreSQL, the control API (admin and read tokens, reached only through the
/// validating `GatewayAPI`), the RTMP ingest on a free port, and the fake Agora cloud.
/// Returns once the gateway is ready (`/readyz` 200 with an API, the ingest listening
/// otherwise). `stop()` kills what it started; the rest goes when the harness is released.
final class GatewayHarness: Sendable {
    static let adminToken = "admin-\(UUID().uuidString)"
    static let readToken = "read-\(UUID().uuidString)"

    /// An ffmpeg publisher playing a seller on nginx's `src/<name>`: H.264 + AAC, 1 s GOP.
    struct Seller: Sendable {
        var name: String
        var width = 320
        var height = 240
        var fps = 25

        static let cam = Seller(name: "cam")
    }

    let nginx: Nginx
    let postgres: Postgres?
    let agora: FakeAgora?
    let config: TempDirectory
    /// Logs of the sellers, pushers and other helpers the test starts.
    let scratch: TempDirectory
    let apiPort: Int?
    let ingestPort: Int?
    let binary: String
    private let environment: [String: String]
    private let apiCA: String?
    private let running: Mutex<(process: ChildProcess, api: GatewayAPI?)>
    private let sellerProcesses: Mutex<[String: ChildProcess]>

    /// `routes`: conf.d/30-routes.yaml. `settings`: more top-level relaygate.yaml lines.
    /// `api`/`apiSettings`: the control API and more lines in `api:` (`apiTLS` serves it over
    /// HTTPS). `ingest`/`ingestSettings`: the RTMP ingest and more lines in `ingest:`.
    /// `nginx`: one the test prepared (guarded, or a second one), else a plain one.
    /// `waitUntilReady: false` returns as soon as the process runs (it may be meant to fail).
    init(
        routes: String, settings: String = "", sellers: [Seller] = [], database: Bool = false, api: Bool = false,
        apiSettings: String = "", apiTLS: (certificate: String, key: String)? = nil, ingest: Bool = false,
        ingestSettings: String = "", agora: AgoraSetup? = nil, nginx: Nginx? = nil, binary: String = RelaygateBinary.path,
        waitUntilReady: Bool = true
    ) async throws {
        let nginx = try await Self.nginx(nginx)
        self.nginx = nginx
        postgres = database ? try await Postgres.migrated() : nil
        let fake: FakeAgora? = agora == nil ? nil : try await FakeAgora.start(webhookURL: nil)
        self.agora = fake
        scratch = try TempDirectory("harness")
        config = try TempDirectory("gateway")
        self.binary = binary
        let apiPort = api || agora != nil ? FreePort.next() : nil
        let ingestPort = ingest || agora != nil ? FreePort.next() : nil
        self.apiPort = apiPort
        self.ingestPort = ingestPort
        apiCA = apiTLS?.certificate
        var environment = ["RELAYGATE_ADMIN_TOKEN": Self.adminToken]
        if let agora { environment.merge(agora.environment) { _, new in new } }
        self.environment = environment

        // Fast enough for a test to see numbers and restarts soon, slow enough not to flood.
        var text = "stats_interval: 1s\nrestart_delay: 500ms\n\(settings)"
        if !text.hasSuffix("\n") { text += "\n" }
        if let postgres { text += "database:\n  url: \"\(postgres.url)\"\n  metrics_interval: 1s\n" }
        if let apiPort {
            text += """
                api:
                  listen: 127.0.0.1:\(apiPort)
                  tokens:
                    - { token: "${RELAYGATE_ADMIN_TOKEN}", scope: admin }
                    - { token: "\(Self.readToken)", scope: read }

                """
            text += Self.indent(apiSettings)
            if let apiTLS { text += "  tls:\n    certificate: \(apiTLS.certificate)\n    key: \(apiTLS.key)\n" }
        }
        if let ingestPort { text += "ingest:\n  listen: 127.0.0.1:\(ingestPort)\n" + Self.indent(ingestSettings) }
        if let agora, let fake { text += agora.settings(fakeURL: fake.baseURL) }
        try config.write("relaygate.yaml", text)
        try config.write(
            "conf.d/20-platforms.yaml",
            """
            platforms:
              nginx:
                type: rtmp
                url: "rtmp://127.0.0.1:\(nginx.rtmpPort)/live/{channel}"
                playback_url: "\(nginx.playlistURL("{channel}"))"
            """)
        if !routes.isEmpty { try config.write("conf.d/30-routes.yaml", routes) }

        // Sellers are on air before the gateway pulls them.
        var started: [String: ChildProcess] = [:]
        for seller in sellers { started[seller.name] = try Self.publish(seller, to: nginx, logs: scratch) }
        sellerProcesses = Mutex(started)
        for seller in sellers { try await Self.waitUntilPublished(seller.name, on: nginx, by: started[seller.name]) }
        running = Mutex((try Self.launch(binary, config, environment), nil))
        if let fake, let apiPort { fake.setWebhookURL("http://127.0.0.1:\(apiPort)/v1/webhooks/agora") }
        if waitUntilReady { try await becomeReady() }
    }

    // MARK: The gateway process

    var child: ChildProcess { running.withLock { $0.process } }
    var log: String { child.stderr }
    /// Worker processes of the running gateway, found by the supervisor pid on their command line.
    var workers: [(pid: Int32, cmdline: String)] { processes(containing: "--supervisor-pid \(child.pid) ") }

    /// The worker running `channel` (its command line names the relay as `route/channel`).
    func worker(_ channel: String) -> Int32? { workers.first { $0.cmdline.contains("/\(channel)") }?.pid }

    /// The control API of the running gateway.
    var api: GatewayAPI {
        guard let api = running.withLock({ $0.api }) else { preconditionFailure("the gateway has no API, or is not ready") }
        return api
    }

    func signal(_ number: Int32) { child.signal(number) }

    /// SIGTERM, then the exit status (nil if it did not exit within the generous deadline).
    func terminate() async -> Int32? {
        child.signal(SIGTERM)
        return await child.wait(timeout: .seconds(60))
    }

    /// `relaygate reload` against this gateway's config directory and pid file.
    func reload() throws -> (status: Int32, stdout: String, stderr: String) {
        try runProgram(binary, ["reload", "--config", config.path, "--pid-file", "\(config.path)/relaygate.pid"])
    }

    /// Replaces conf.d/30-routes.yaml (for a reload or the next gateway).
    func writeRoutes(_ routes: String) throws { try config.write("conf.d/30-routes.yaml", routes) }

    /// SIGKILLs the gateway (no clean stop of anything) and waits until it has exited.
    func kill() {
        let process = child
        process.signal(SIGKILL)
        process.process.waitUntilExit()
    }

    /// Starts another gateway on the same config (and database) after this one was killed
    /// or stopped; returns once that one is ready. `log` and `workers` are the new one's.
    func startAnother() async throws {
        let next = try Self.launch(binary, config, environment, name: "relaygate-\(UUID().uuidString.prefix(4))")
        running.withLock { $0 = (next, nil) }
        try await becomeReady()
    }

    /// Kills what must not outlive the test at once (a `defer` cannot wait): the gateway,
    /// the sellers, nginx. PostgreSQL and the fake's ffmpeg children go with the harness.
    func stop() {
        child.signal(SIGKILL)
        for seller in sellerProcesses.withLock({ Array($0.values) }) { seller.signal(SIGKILL) }
        nginx.stop()
    }

    // MARK: Sellers

    /// Starts (or restarts) seller `seller` without waiting for nginx to see it.
    func startSeller(_ seller: Seller) throws {
        let process = try Self.publish(seller, to: nginx, logs: scratch)
        sellerProcesses.withLock { $0[seller.name] = process }
    }

    func seller(_ name: String) -> ChildProcess? { sellerProcesses.withLock { $0[name] } }

    private static func publish(_ seller: Seller, to nginx: Nginx, logs: TempDirectory) throws -> ChildProcess {
        try FFmpeg.publish(
            to: nginx.publishURL("src", seller.name), width: seller.width, height: seller.height, fps: seller.fps,
            logDirectory: logs.path, name: "seller-\(seller.name)-\(UUID().uuidString.prefix(4))")
    }

    /// Waits until nginx has a live publish session of `src/<name>` (the seller is on air).
    private static func waitUntilPublished(_ name: String, on nginx: Nginx, by process: ChildProcess?) async throws {
        let live = await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            nginx.publishSessions(name).contains { !$0.ended }
        }
        guard live else { throw TestFailure("seller \(name) never published: \(process?.stderr ?? "")") }
    }

    // MARK: What nginx received

    /// True once nginx has written `count` more HLS segments of `channel` than it had at the
    /// call (the stream keeps coming); false if the generous deadline passes first.
    func hlsKeepsComing(_ channel: String, count: Int = 2) async -> Bool {
        let before = nginx.segments(channel).count
        return await eventually(timeout: .seconds(30), every: .milliseconds(200)) {
            nginx.segments(channel).count >= before + count
        }
    }

    /// True once nginx has at least `count` HLS segments of `channel`.
    func hlsFlows(_ channel: String, segments count: Int = 2) async -> Bool {
        await eventually(timeout: .seconds(30), every: .milliseconds(200)) { nginx.segments(channel).count >= count }
    }

    // MARK: Starting

    private static func launch(_ binary: String, _ config: TempDirectory, _ environment: [String: String], name: String = "relaygate")
        throws -> ChildProcess
    {
        try ChildProcess(
            binary, ["run", "--config", config.path, "--pid-file", "\(config.path)/relaygate.pid"], logDirectory: config.path,
            name: name, environment: environment)
    }

    /// Waits until the gateway is ready and, with an API, connects the validating client
    /// (which fetches the document this gateway serves).
    private func becomeReady() async throws {
        let process = child
        if let ingestPort {
            let listening = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
                FreePort.isListening(ingestPort) || !process.isRunning
            }
            guard listening, process.isRunning else { throw TestFailure("ingest not listening; log:\n\(process.stderr)") }
        }
        guard let apiPort else { return }
        let listening = await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
            FreePort.isListening(apiPort) || !process.isRunning
        }
        guard listening, process.isRunning else { throw TestFailure("API not listening; log:\n\(process.stderr)") }
        let scheme = apiCA == nil ? "http" : "https"
        let api = try await GatewayAPI(baseURL: "\(scheme)://127.0.0.1:\(apiPort)", caCertificate: apiCA)
        running.withLock { $0.api = api }
        let ready = try await eventually(timeout: .seconds(20), every: .milliseconds(100)) {
            try await api.get("/readyz", token: nil).status == 200
        }
        guard ready else { throw TestFailure("gateway not ready; log:\n\(process.stderr)") }
        agora?.observeWebhookReplies { url, reply in
            api.check("POST", URL(string: url)?.path ?? url, reply)
        }
    }

    private static func nginx(_ given: Nginx?) async throws -> Nginx {
        if let given { return given }
        return try await Nginx()
    }

    private static func indent(_ lines: String) -> String {
        lines.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map { "  \($0)\n" }.joined()
    }

    deinit {
        let process = running.withLock { $0.process }
        if process.isRunning { process.signal(SIGKILL) }
    }
}
