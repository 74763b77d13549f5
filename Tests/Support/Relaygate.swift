import Foundation

/// Paths of the relaygate binary under test and the repository.
public enum RelaygateBinary {
    /// The repository root (this file is Tests/Support/Relaygate.swift).
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `$RELAYGATE_BIN`, else the debug build that `swift test` made.
    public static var path: String {
        if let path = ProcessInfo.processInfo.environment["RELAYGATE_BIN"], !path.isEmpty { return path }
        return "\(repositoryRoot)/.build/debug/relaygate"
    }

    /// `relaygate-probe` (Tests/CompanionProbe): relaygate's daemon with test plugins compiled in.
    public static var probePath: String { "\(repositoryRoot)/.build/debug/relaygate-probe" }
}

/// Processes whose command line contains `needle`, read from /proc.
public func processes(containing needle: String) -> [(pid: Int32, cmdline: String)] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> (Int32, String)? in
        guard let pid = Int32(entry),
            let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"), !data.isEmpty
        else { return nil }
        let cmdline = String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        return cmdline.contains(needle) ? (pid, cmdline) : nil
    }
}

/// Whether `pid` is a live process. A zombie (state Z) has already exited and only waits
/// for its new parent (init) to collect its status, so it does not count as alive.
public func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
}
