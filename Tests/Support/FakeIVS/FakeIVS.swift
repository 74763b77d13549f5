import Foundation
import Glibc

/// A local Amazon IVS for tests: `Tests/FakeIVS/fake_ivs.py` (moto's IVS channels behind a
/// front that checks every SigV4 signature with botocore and adds streams and stream keys),
/// run on free loopback ports. `endpoint` is the API, signed with `accessKeyID` /
/// `secretAccessKey` (and `sessionToken`, when set) for `region`; the control endpoint
/// (unsigned) lets a test play the broadcaster and the service's moods, and read back every
/// request. Needs python3 with moto[server] (scripts/install-deps.sh).
public final class FakeIVS: Sendable {
    public let region: String
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?
    public let port: Int
    public let controlPort: Int
    private let process: ChildProcess
    private let logs: TempDirectory
    private let control: HTTPClient

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    private init(
        region: String, accessKeyID: String, secretAccessKey: String, sessionToken: String?
    ) throws {
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        let port = FreePort.next()
        let controlPort = FreePort.next()
        let logs = try TempDirectory("fake-ivs")
        self.port = port
        self.controlPort = controlPort
        self.logs = logs
        control = HTTPClient(baseURL: "http://127.0.0.1:\(controlPort)")
        var environment = ["FAKE_IVS_SECRET_ACCESS_KEY": secretAccessKey, "PYTHONUNBUFFERED": "1"]
        if let sessionToken { environment["FAKE_IVS_SESSION_TOKEN"] = sessionToken }
        process = try ChildProcess(
            Self.python(),
            [Self.script, "--port", "\(port)", "--control-port", "\(controlPort)", "--region", region, "--access-key-id", accessKeyID],
            logDirectory: logs.path, name: "fake-ivs", environment: environment)
    }

    /// Starts the fake and waits until its API and control ports answer.
    public static func start(
        region: String = "us-east-1", accessKeyID: String = "AKIDFAKEIVS0000EXAMPLE",
        secretAccessKey: String = "fake/ivs+secret/key0000000000000000000000", sessionToken: String? = nil
    ) async throws -> FakeIVS {
        let fake = try FakeIVS(region: region, accessKeyID: accessKeyID, secretAccessKey: secretAccessKey, sessionToken: sessionToken)
        let up = await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
            guard fake.process.isRunning else { return true }
            return FreePort.isListening(fake.port) && FreePort.isListening(fake.controlPort)
        }
        guard up, fake.process.isRunning else { throw TestFailure("the fake IVS did not start: \(fake.process.stderr)") }
        return fake
    }

    /// The channel broadcasts from now on (it must have a stream key, as for a real encoder).
    public func goLive(channelArn: String, viewerCount: Int = 0, health: String = "HEALTHY") async throws {
        try await post("/live", ["channelArn": .string(channelArn), "viewerCount": .int(Int64(viewerCount)), "health": .string(health)])
    }

    /// The broadcaster went away: GetStream answers ChannelNotBroadcasting.
    public func goOffline(channelArn: String) async throws {
        try await post("/offline", ["channelArn": .string(channelArn)])
    }

    /// What GetStream reports as `viewerCount`; -1 is IVS's "timed out, ask again".
    public func setViewerCount(_ count: Int, channelArn: String) async throws {
        try await post("/viewers", ["channelArn": .string(channelArn), "viewerCount": .int(Int64(count))])
    }

    /// HEALTHY, STARVING or UNKNOWN.
    public func setHealth(_ health: String, channelArn: String) async throws {
        try await post("/health", ["channelArn": .string(channelArn), "health": .string(health)])
    }

    /// The next `times` calls of `operation` (e.g. "GetStream") answer `error` (an IVS error
    /// name: ThrottlingException 429, InternalServerException 500, AccessDeniedException 403,
    /// StreamUnavailable 503, …) with its HTTP status, before anything else happens.
    public func failNext(_ operation: String, times: Int = 1, with error: String) async throws {
        try await post("/fail", ["operation": .string(operation), "count": .int(Int64(times)), "error": .string(error)])
    }

    /// Channels answer this `ingestEndpoint` (e.g. "127.0.0.1:PORT" of a local TLS RTMP
    /// server) instead of moto's `ingest.example.com`.
    public func setIngestEndpoint(_ hostAndPort: String) async throws {
        try await post("/ingest", ["endpoint": .string(hostAndPort)])
    }

    /// Every API request received so far, in order, rejected ones included.
    public func requests() async throws -> [FakeIVSRequest] {
        let reply = try await control.send("GET", "/requests", body: nil)
        guard reply.status == 200, case .array(let items)? = JSONValue.parse(Array(reply.body)) else {
            throw TestFailure("fake IVS /requests: \(reply)")
        }
        return items.map(FakeIVSRequest.init)
    }

    /// The ARNs of the channels that exist now.
    public func channelArns() async throws -> Set<String> {
        let reply = try await control.send("GET", "/channels", body: nil)
        guard reply.status == 200, let members = JSONValue.parse(Array(reply.body))?.members else {
            throw TestFailure("fake IVS /channels: \(reply)")
        }
        return Set(members.map(\.0))
    }

    public var log: String { process.stdout + process.stderr }

    private func post(_ path: String, _ body: JSONValue) async throws {
        let reply = try await control.send("POST", path, body: Data(body.bytes))
        guard (200..<300).contains(reply.status) else { throw TestFailure("fake IVS \(path): \(reply)") }
    }

    /// `Tests/FakeIVS/fake_ivs.py`, found from this file's place in the source tree.
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FakeIVS/fake_ivs.py").path
    }

    /// `$FAKE_IVS_PYTHON`, else the first python3 on PATH (where pip put moto).
    static func python() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let python = environment["FAKE_IVS_PYTHON"] { return python }
        for directory in (environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = "\(directory)/python3"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw TestFailure("no python3 on PATH for the fake IVS")
    }

    deinit { process.signal(SIGKILL) }
}
