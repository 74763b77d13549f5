import Foundation
import Glibc

/// A private PostgreSQL 15 server for one test: its own data directory under /tmp, TCP on a
/// free 127.0.0.1 port and a unix socket in that directory, a superuser `postgres` with a
/// random password (scram-sha-256 over TCP). Killed when released.
///
/// `stop()` and `start()` take the server away and bring it back on the same port with the
/// same data, to simulate an outage.
///
/// PostgreSQL refuses to run as root, and CI runs tests as root: then initdb and postgres run
/// as the `postgres` OS user through `setpriv` (which execs, so the pid we hold is
/// postgres itself and signals reach it), with the directory handed to that user.
public final class Postgres: @unchecked Sendable {
    // @unchecked: start/stop are called from the test's task only.
    public static let binaries = "/usr/lib/postgresql/15/bin"

    public let directory: TempDirectory
    public let port: Int
    public let password: String
    private var child: ChildProcess?

    public var dataDirectory: String { directory.file("data") }
    /// `postgres://postgres:PASSWORD@127.0.0.1:PORT/postgres`
    public var url: String { url(database: "postgres") }

    public func url(database: String, password: String? = nil) -> String {
        "postgres://postgres:\(password ?? self.password)@127.0.0.1:\(port)/\(database)"
    }

    public init() async throws {
        directory = try TempDirectory("postgres")
        port = FreePort.next()
        password = "pw-" + UUID().uuidString.prefix(12).lowercased()
        try directory.write("pwfile", password + "\n")
        try directory.write("logs/.keep", "")
        if Self.asRoot {
            _ = try runProgram("/bin/chown", ["-R", "postgres:postgres", directory.path])
        }
        let initdb = try runProgram(
            Self.launcher,
            Self.prefix + [
                "\(Self.binaries)/initdb", "-D", dataDirectory, "-U", "postgres", "--pwfile", directory.file("pwfile"),
                "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "-N",
            ])
        guard initdb.status == 0 else { throw TestFailure("initdb failed: \(initdb.stdout) \(initdb.stderr)") }
        try await start()
    }

    /// Starts the server (again) and waits until it accepts connections.
    public func start() async throws {
        guard child == nil else { return }
        let server = try ChildProcess(
            Self.launcher,
            Self.prefix + [
                "\(Self.binaries)/postgres", "-D", dataDirectory, "-p", String(port), "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=\(directory.path)", "-c", "fsync=off", "-c", "full_page_writes=off",
                "-c", "synchronous_commit=off", "-c", "max_connections=20", "-c", "shared_buffers=16MB",
            ],
            logDirectory: directory.file("logs"), name: "postgres")
        child = server
        let ready = await eventually(timeout: .seconds(20)) {
            guard server.isRunning else { return true }
            let probe = try? runProgram(
                "\(Self.binaries)/pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-t", "1"])
            return probe?.status == 0
        }
        guard ready, server.isRunning else { throw TestFailure("postgres did not start: \(server.stderr)") }
    }

    /// Fast shutdown (SIGINT: clients are disconnected at once); waits until it has exited
    /// and its port is closed.
    public func stop() async {
        guard let server = child else { return }
        server.signal(SIGINT)
        if await server.wait(timeout: .seconds(20)) == nil { server.signal(SIGKILL) }
        server.process.waitUntilExit()
        child = nil
    }

    public var isRunning: Bool { child?.isRunning ?? false }
    public var log: String { child?.stderr ?? "" }

    /// Runs SQL through psql over the unix socket (trusted), returning unaligned,
    /// tuples-only output: one row a line, columns separated by `|`.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        let result = try runProgram(
            Self.launcher,
            Self.prefix + [
                "\(Self.binaries)/psql", "-h", directory.path, "-p", String(port), "-U", "postgres", "-d", database,
                "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql,
            ])
        guard result.status == 0 else { throw TestFailure("psql failed: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        if let child, child.isRunning {
            child.signal(SIGKILL)
            child.process.waitUntilExit()
        }
    }

    private static var asRoot: Bool { getuid() == 0 }
    /// As root: `setpriv` to the postgres user (it execs, no intermediate process).
    private static var launcher: String { asRoot ? "/usr/bin/setpriv" : "/usr/bin/env" }
    private static var prefix: [String] {
        asRoot ? ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : []
    }
}
