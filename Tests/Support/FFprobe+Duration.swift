import Foundation

extension FFprobe {
    /// The container's duration in seconds as ffprobe reports it (`format=duration`); throws
    /// when ffprobe cannot read `path` or reports none.
    public static func duration(_ path: String) throws -> Double {
        let result = try runProgram(
            "/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path])
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, let seconds = Double(text) else {
            throw TestFailure("ffprobe gave no duration for \(path): \(result.stderr)\(text)")
        }
        return seconds
    }
}
