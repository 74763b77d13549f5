import Foundation
import Glibc

/// The files an `hls` output owns in its directory: the playlist `index.m3u8` and the
/// segments `index<sequence>.ts`, each possibly still under its `.tmp` name (libav writes
/// every file under a temporary name and renames it once complete, so a web server never
/// serves half a playlist or segment). Nothing else in the directory is ever touched.
struct HLSFiles {
    static let playlist = "index.m3u8"
    /// libav's pattern for the segment names: `%d` is the media sequence number.
    static let segmentPattern = "index%d.ts"

    let directory: String

    var playlistPath: String { directory + "/" + Self.playlist }
    var segmentPattern: String { directory + "/" + Self.segmentPattern }

    static func isOwned(_ name: String) -> Bool {
        let name = name.hasSuffix(".tmp") ? String(name.dropLast(4)) : name
        if name == playlist { return true }
        guard name.hasPrefix("index"), name.hasSuffix(".ts") else { return false }
        let sequence = name.dropFirst(5).dropLast(3)
        return !sequence.isEmpty && sequence.allSatisfy(\.isASCII) && sequence.allSatisfy(\.isNumber)
    }

    /// The segment files present, complete or not.
    var segments: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { Self.isOwned($0) && !$0.hasPrefix(Self.playlist) }.sorted()
    }

    /// Deletes the playlist and every segment (what a killed session left, or a finished
    /// one that keeps nothing), and the directory too when `removingDirectory` and it is
    /// then empty. Best effort: what cannot be deleted stays, and a next session's writes
    /// report the directory's problem.
    func removeAll(removingDirectory: Bool = false) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where Self.isOwned(name) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        if removingDirectory { rmdir(directory) }
    }
}
