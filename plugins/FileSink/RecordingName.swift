import Glibc
import RelayCore

/// The path of each file of a recording: the `path` template with the relay's variables
/// and `{start}`, the UTC time the file begins (`20261207-153000`). A path that exists
/// already (a restart within the same second, or a template without `{start}`) gets
/// `-1`, `-2` … before its extension: a recording never overwrites another.
struct RecordingName {
    let template: String
    let context: StageContext
    /// Unix time in seconds, for `{start}`; the system's wall clock outside tests.
    let now: @Sendable () -> Int64
    /// Whether a path is taken; the file system outside tests.
    let exists: @Sendable (String) -> Bool

    init(
        template: String, context: StageContext, now: @escaping @Sendable () -> Int64 = { Int64(time(nil)) },
        exists: @escaping @Sendable (String) -> Bool = { access($0, F_OK) == 0 }
    ) {
        self.template = template
        self.context = context
        self.now = now
        self.exists = exists
    }

    /// The path for a file that begins now.
    func next() throws -> String {
        let path = try context.expandPath(template, extra: ["start": Self.stamp(now())])
        guard exists(path) else { return path }
        let slash = path.lastIndex(of: "/") ?? path.startIndex
        let dot = path[slash...].lastIndex(of: ".") ?? path.endIndex
        var attempt = 1
        while true {
            let candidate = String(path[..<dot]) + "-\(attempt)" + path[dot...]
            if !exists(candidate) { return candidate }
            attempt += 1
        }
    }

    /// `YYYYMMDD-HHMMSS` in UTC: sorts by time, and holds no `:` for tools that dislike it.
    static func stamp(_ unixSeconds: Int64) -> String {
        var seconds = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}
