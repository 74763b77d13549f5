import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real nginx with the RTMP module, publishing HLS, run as a child process in a temporary
/// prefix on free loopback ports. Kept free of test-framework code so other test targets can
/// reuse it.
final class NginxRTMP {
    struct StartFailed: Error, CustomStringConvertible {
        var description: String
    }

    let prefix: URL
    let hlsDirectory: URL
    let rtmpPort: Int
    let httpPort: Int
    private let process = Process()

    /// The publish URL for `key` in application `live`.
    func publishURL(key: String) -> String { "rtmp://127.0.0.1:\(rtmpPort)/live/\(key)" }

    /// The playlist nginx writes for `key`.
    func playlist(key: String) -> URL { hlsDirectory.appendingPathComponent("\(key).m3u8") }

    init() throws {
        prefix = FileManager.default.temporaryDirectory.appendingPathComponent("relaygate-nginx-\(UUID().uuidString)")
        hlsDirectory = prefix.appendingPathComponent("hls")
        try FileManager.default.createDirectory(at: hlsDirectory, withIntermediateDirectories: true)
        // Workers run as nobody when nginx starts as root; they write the HLS files.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: hlsDirectory.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: prefix.path)
        rtmpPort = try NginxRTMP.freePort()
        httpPort = try NginxRTMP.freePort()
        let p = prefix.path
        let config = """
            load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
            daemon off;
            master_process on;
            worker_processes 1;
            pid \(p)/nginx.pid;
            error_log \(p)/error.log info;
            events { worker_connections 64; }
            rtmp {
                server {
                    listen 127.0.0.1:\(rtmpPort);
                    chunk_size 4096;
                    application live {
                        live on;
                        record off;
                        hls on;
                        hls_path \(hlsDirectory.path);
                        hls_fragment 1s;
                        hls_playlist_length 10s;
                        hls_cleanup off;
                    }
                }
            }
            http {
                access_log off;
                client_body_temp_path \(p)/client_body;
                proxy_temp_path \(p)/proxy;
                fastcgi_temp_path \(p)/fastcgi;
                uwsgi_temp_path \(p)/uwsgi;
                scgi_temp_path \(p)/scgi;
                server {
                    listen 127.0.0.1:\(httpPort);
                    location /hls {
                        types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
                        alias \(hlsDirectory.path);
                        add_header Cache-Control no-cache;
                    }
                }
            }
            """
        let configURL = prefix.appendingPathComponent("nginx.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-p", p, "-c", configURL.path, "-e", "\(p)/error.log"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        guard NginxRTMP.waitForListener(port: rtmpPort, timeout: 5) else {
            stop()
            let log = (try? String(contentsOf: prefix.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
            throw StartFailed(description: "nginx did not listen on \(rtmpPort): \(log.suffix(1500))")
        }
    }

    /// Stops nginx (SIGTERM: fast shutdown of master and workers) and removes the prefix.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: prefix)
    }

    deinit { stop() }

    /// A loopback port nothing listens on right now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartFailed(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw StartFailed(description: "bind: \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    static func waitForListener(port: Int, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = loopback(port: port)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            close(fd)
            if connected { return true }
            usleep(50_000)
        }
        return false
    }
}

/// A TCP listener that accepts connections (the kernel completes the handshake) and never
/// says a word: a peer that hangs every client's first read.
final class SilentListener {
    let port: Int
    private let fd: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = NginxRTMP.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else {
            close(fd)
            throw NginxRTMP.StartFailed(description: "silent listener: \(errno)")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }
}
