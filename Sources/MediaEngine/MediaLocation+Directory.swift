#if canImport(Glibc)
import Glibc
#endif

extension MediaLocation {
    /// The directory a local output's file goes into.
    public var directory: String {
        let path = url.hasPrefix("file:") ? String(url.dropFirst(5)) : url
        guard !isNetwork, let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Creates the directory of a local output and any missing parents (mode 0755), like
    /// `mkdir -p`. Returns true when the directory itself was made here, so whoever made it
    /// can remove it again. An error names the path and the system's reason.
    @discardableResult
    public func createDirectory() throws(AVError) -> Bool {
        let target = directory
        var created = false
        var prefix = ""
        for component in target.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) == 0 {
                created = prefix == target
                continue
            }
            let reason = errno
            var info = stat()
            guard reason == EEXIST, stat(prefix, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                let text = reason == EEXIST ? "exists and is not a directory" : String(cString: strerror(reason))
                throw AVError("\(prefix): \(text)", operation: "create directory", target: target)
            }
        }
        return created
    }
}
