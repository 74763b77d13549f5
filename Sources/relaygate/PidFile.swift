import Foundation
import Glibc

/// The running gateway's pid, written by `relaygate run --pid-file` so `relaygate reload`
/// (and init scripts) can find it.
enum PidFile {
    static let defaultPath = "/run/relaygate/relaygate.pid"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func write(_ path: String) throws {
        do {
            try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw Failure(description: "cannot write pid file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the file only if it still names this process (a newer gateway may own it).
    static func remove(_ path: String) {
        if (try? read(path)) == getpid() { unlink(path) }
    }

    static func read(_ path: String) throws -> Int32 {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(description: "no pid file at \(path): is relaygate running (with --pid-file \(path))?")
        }
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1 else {
            throw Failure(description: "pid file \(path) does not hold a pid")
        }
        return pid
    }

    /// Whether `pid` is a running `relaygate run` (not a recycled pid of something else).
    static func isGateway(_ pid: Int32) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.first.map { $0.hasSuffix("relaygate") } == true && arguments.contains("run")
    }
}
