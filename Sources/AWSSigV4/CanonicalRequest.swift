/// The canonical forms SigV4 hashes: URI, query and headers, each normalised so that the
/// client and AWS compute the same text from the same request.
enum CanonicalRequest {
    /// The path with `.`/`..` segments and repeated slashes removed (every service but S3
    /// normalises), then percent-encoded once more, keeping `/`.
    static func uri(_ path: String, normalize: Bool) -> String {
        let path = path.isEmpty ? "/" : path
        guard normalize else { return URIEncoding.encode(path, keepingSlash: true) }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                _ = segments.popLast()
            } else {
                segments.append(segment)
            }
        }
        var normalized = "/" + segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { normalized += "/" }
        return URIEncoding.encode(normalized, keepingSlash: true)
    }

    /// Parameters decoded, re-encoded strictly, and sorted by name then value; a parameter
    /// without `=` has an empty value.
    static func query(_ query: String) -> String {
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { item -> (String, String) in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = URIEncoding.encode(URIEncoding.decode(parts[0]), keepingSlash: false)
            let value = parts.count > 1 ? URIEncoding.encode(URIEncoding.decode(parts[1]), keepingSlash: false) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// `name:value\n` lines sorted by lowercase name (repeated names joined with `,`, values
    /// trimmed and inner runs of spaces collapsed), and the `;`-joined names.
    static func headers(_ headers: [(name: String, value: String)]) -> (canonical: String, signed: String) {
        var merged: [String: [String]] = [:]
        for (name, value) in headers {
            merged[name.lowercased(), default: []].append(trimmed(value))
        }
        let names = merged.keys.sorted()
        let canonical = names.map { "\($0):\(merged[$0]!.joined(separator: ","))\n" }.joined()
        return (canonical, names.joined(separator: ";"))
    }

    private static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}
