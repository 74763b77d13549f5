import Foundation
import Glibc

/// A real nginx with the RTMP module, on free loopback ports, in its own prefix: the
/// third-party RTMP server that receives what relaygate pushes and turns it into HLS.
///
/// Applications: `src` (where ffmpeg publishers play the seller) and `live` (where
/// relaygate publishes; it writes HLS with 1 s fragments and keeps them after the stream
/// ends, so a test can inspect them), and `app`, the same at Amazon IVS's path. nginx-rtmp has no RTMPS of its own: with `tlsFronts`,
/// nginx's stream module terminates TLS on a port per certificate and passes the bytes on to
/// the RTMP port, as a TLS proxy in front of an RTMP server does in production.
public final class Nginx: @unchecked Sendable {
    public let prefix: TempDirectory
    public let rtmpPort: Int
    public let httpPort: Int
    /// One port per `tlsFronts` certificate, in order.
    public let tlsPorts: [Int]
    private let lock = NSLock()
    private var running: ChildProcess?

    /// `rtmpApplications` and `httpLocations` are added to the rtmp and http server blocks;
    /// `@HTTP_PORT@` in them stands for `httpPort`. `tlsFronts`: PEM certificate chains and
    /// their keys, each served on its own TLS port in front of the RTMP port.
    public init(
        rtmpApplications: String = "", httpLocations: String = "", tlsFronts: [(certificate: String, key: String)] = []
    ) async throws {
        prefix = try TempDirectory("nginx")
        rtmpPort = FreePort.next()
        httpPort = FreePort.next()
        tlsPorts = tlsFronts.map { _ in FreePort.next() }
        let p = prefix.path
        for dir in ["hls", "logs", "tmp"] {
            try FileManager.default.createDirectory(atPath: "\(p)/\(dir)", withIntermediateDirectories: true)
        }
        // nginx's workers run as nobody when started as root: they must be able to write HLS.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: "\(p)/hls")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: p)
        let fronts = zip(tlsPorts, tlsFronts).map { port, front in
            """
                server {
                    listen 127.0.0.1:\(port) ssl; ssl_certificate \(front.certificate); ssl_certificate_key \(front.key);
                    proxy_pass 127.0.0.1:\(rtmpPort);
                }
            """
        }
        let stream = fronts.isEmpty ? "" : "stream {\n\(fronts.joined(separator: "\n"))\n}"
        let conf = """
            load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
            \(fronts.isEmpty ? "" : "load_module /usr/lib/nginx/modules/ngx_stream_module.so;")
            daemon off;
            worker_processes 1;
            pid \(p)/nginx.pid;
            error_log \(p)/logs/error.log info;
            events { worker_connections 256; }
            rtmp {
                server {
                    listen 127.0.0.1:\(rtmpPort);
                    chunk_size 4096;
                    application src { live on; record off; }
                    application live {
                        live on; record off;
                        hls on; hls_path \(p)/hls; hls_fragment 1s; hls_playlist_length 10s; hls_cleanup off;
                    }
                    # Amazon IVS's ingest path is /app/<stream key>: the same, for tests that stand in for it.
                    application app {
                        live on; record off;
                        hls on; hls_path \(p)/hls; hls_fragment 1s; hls_playlist_length 10s; hls_cleanup off;
                    }
                    \(rtmpApplications)
                }
            }
            http {
                access_log off;
                client_body_temp_path \(p)/tmp/cb; proxy_temp_path \(p)/tmp/p; fastcgi_temp_path \(p)/tmp/f;
                uwsgi_temp_path \(p)/tmp/u; scgi_temp_path \(p)/tmp/s;
                server {
                    listen 127.0.0.1:\(httpPort);
                    location /hls { types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; } alias \(p)/hls; }
                    location /stat { rtmp_stat all; }
                    \(httpLocations)
                }
            }
            \(stream)
            """
        // Extra blocks may call back into this nginx's own HTTP server (on_publish).
        try prefix.write("nginx.conf", conf.replacingOccurrences(of: "@HTTP_PORT@", with: "\(httpPort)"))
        try await start()
    }

    /// Starts nginx (again) on the same ports and prefix; its error log is appended to.
    public func start() async throws {
        let p = prefix.path
        let child = try ChildProcess(
            "/usr/sbin/nginx", ["-p", p, "-c", "\(p)/nginx.conf", "-e", "\(p)/logs/error.log"],
            logDirectory: "\(p)/logs", name: "nginx")
        lock.withLock { running = child }
        let up = await eventually(timeout: .seconds(10)) {
            ([self.rtmpPort, self.httpPort] + self.tlsPorts).allSatisfy { FreePort.isListening($0) }
        }
        guard up else { throw TestFailure("nginx did not start: \(child.stderr) \(errorLog)") }
    }

    /// Stops nginx the way an outage looks to its clients: every connection closes.
    public func stop() {
        let child: ChildProcess? = lock.withLock {
            defer { running = nil }
            return running
        }
        guard let child else { return }
        child.signal(SIGTERM)
        child.process.waitUntilExit()
    }

    /// An nginx with one more application, `guarded` (live, no HLS), where nginx asks its own
    /// HTTP server whether a publish may start (`on_publish`): only stream name `key` may,
    /// every other name gets HTTP 403.
    public static func guarded(allowing key: String) async throws -> Nginx {
        try await Nginx(
            rtmpApplications: """
                application guarded { live on; record off; notify_method get; on_publish http://127.0.0.1:@HTTP_PORT@/auth; }
                """,
            httpLocations: """
                location = /auth { if ($arg_name != "\(key)") { return 403; } return 204; }
                """)
    }

    public func publishURL(_ app: String, _ name: String) -> String { "rtmp://127.0.0.1:\(rtmpPort)/\(app)/\(name)" }
    /// rtmps:// through TLS front `front`, addressed as `host` (the name the client checks).
    public func secureURL(_ app: String, _ name: String, front: Int = 0, host: String = "127.0.0.1") -> String {
        "rtmps://\(host):\(tlsPorts[front])/\(app)/\(name)"
    }
    public func playlistURL(_ name: String) -> String { "http://127.0.0.1:\(httpPort)/hls/\(name).m3u8" }
    public func playlistPath(_ name: String) -> String { "\(prefix.path)/hls/\(name).m3u8" }

    public var errorLog: String { (try? String(contentsOfFile: "\(prefix.path)/logs/error.log", encoding: .utf8)) ?? "" }

    /// The HLS segment files nginx has written for stream `name`, in sequence order.
    public func segments(_ name: String) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(prefix.path)/hls")) ?? []
        return files.filter { $0.hasPrefix("\(name)-") && $0.hasSuffix(".ts") }
            .sorted { sequence($0) < sequence($1) }
    }

    /// All of stream `name` as nginx received it, once its publisher has gone: the HLS
    /// segments joined with `concat:` for ffprobe. (The live playlist has no end marker, so
    /// ffprobe would read it as live, from its last segments only, waiting for more.)
    public func recording(_ name: String) async throws -> String {
        // nginx closes the last segment when the publisher disconnects.
        let ended = await eventually(timeout: .seconds(10)) {
            let sessions = publishSessions(name)
            return !sessions.isEmpty && sessions.allSatisfy { $0.ended }
        }
        guard ended else { throw TestFailure("stream \(name) is still published:\n\(errorLog)") }
        let files = segments(name).map { "\(prefix.path)/hls/\($0)" }
        guard !files.isEmpty else { throw TestFailure("nginx wrote no HLS segments for \(name)") }
        return "concat:" + files.joined(separator: "|")
    }

    private func sequence(_ file: String) -> Int {
        Int(file.split(separator: "-").last?.dropLast(3) ?? "") ?? -1
    }

    /// Whether each publish session of stream `name` ended with the publisher's own
    /// deleteStream before the disconnect (a clean RTMP close), per nginx's info log.
    public func publishSessions(_ name: String) -> [(connection: String, clean: Bool, ended: Bool)] {
        let lines = errorLog.split(separator: "\n")
        var sessions: [(String, Bool, Bool)] = []
        for line in lines where line.contains("publish: name='\(name)'") {
            guard let connection = line.split(separator: " ").first(where: { $0.hasPrefix("*") }) else { continue }
            let mine = lines.filter { $0.contains(" \(connection) ") }
            let deleteIndex = mine.firstIndex { $0.contains("deleteStream") }
            let disconnectIndex = mine.firstIndex { $0.contains("disconnect") }
            let clean = deleteIndex != nil && (disconnectIndex == nil || deleteIndex! < disconnectIndex!)
            sessions.append((String(connection), clean, disconnectIndex != nil))
        }
        return sessions
    }

    /// Blocks until every publish session of `name` has disconnected, so nginx has written
    /// the stream's last HLS segment (it does so when the session ends).
    public func waitUntilPublishEnded(_ name: String, timeout: Duration = .seconds(10)) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let sessions = publishSessions(name)
            if !sessions.isEmpty && sessions.allSatisfy(\.ended) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestFailure("nginx still has \(name) published after \(timeout)")
    }

    /// nginx-rtmp's /stat XML.
    public func stat() -> String {
        (try? runProgram("/usr/bin/curl", ["-s", "http://127.0.0.1:\(httpPort)/stat"]).stdout) ?? ""
    }

    /// Milliseconds that stream `name` in app `live` has been published, from /stat.
    public func publishedMilliseconds(_ name: String) -> Int? {
        let xml = stat()
        guard let range = xml.range(of: "<name>\(name)</name>") else { return nil }
        let after = xml[range.upperBound...]
        guard let t0 = after.range(of: "<time>"), let t1 = after.range(of: "</time>") else { return nil }
        return Int(after[t0.upperBound..<t1.lowerBound])
    }

    deinit { stop() }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
