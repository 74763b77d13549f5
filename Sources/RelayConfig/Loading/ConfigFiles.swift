import Foundation
import RelayCore

/// The files that make up one config directory, in the order they are read and their
/// diagnostics are sorted: relaygate.yaml first, then conf.d/*.yaml|*.yml by byte-wise name.
struct ConfigFiles {
    struct File {
        /// The directory as the user gave it, joined with the file's relative path.
        var path: String
        var bytes: [UInt8]?
    }

    var global: File?
    var fragments: [File]

    /// Positions in the read order, for sorting diagnostics by file.
    var order: [String: Int] {
        var order: [String: Int] = [:]
        for (index, file) in ([global].compactMap { $0 } + fragments).enumerated() { order[file.path] = index }
        return order
    }

    static let globalName = "relaygate.yaml"
    static let fragmentDirectory = "conf.d"

    /// Lists and reads the files. Throws only when the directory itself is unusable.
    static func read(directory: String) throws(ConfigErrors) -> ConfigFiles {
        let fileManager = FileManager.default
        guard isDirectory(directory) else {
            throw ConfigErrors([Diagnostic("\(directory): config directory not found", at: nil)])
        }
        let globalPath = join(directory, globalName)
        let global = fileManager.fileExists(atPath: globalPath) ? File(path: globalPath, bytes: contents(globalPath)) : nil

        var fragments: [File] = []
        let fragmentPath = join(directory, fragmentDirectory)
        if fileManager.fileExists(atPath: fragmentPath) {
            guard isDirectory(fragmentPath), let names = try? fileManager.contentsOfDirectory(atPath: fragmentPath) else {
                throw ConfigErrors([Diagnostic("\(fragmentPath): not a readable directory", at: nil)])
            }
            let yamlNames = names.filter { name in
                // Dot files are editor swap files and the like, never config.
                !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
                    && !isDirectory(join(fragmentPath, name))
            }
            // Byte-wise, so the order does not depend on locale or Unicode normalization.
            for name in yamlNames.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                let path = join(fragmentPath, name)
                fragments.append(File(path: path, bytes: contents(path)))
            }
        }
        return ConfigFiles(global: global, fragments: fragments)
    }

    private static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}
